/**
 * The pinned internal network against the real engine: a subnet another network holds is
 * skipped, and the sidecar starts at the pinned address. Objects carry this test's own names and
 * the test label; only they are removed.
 */
import assert from "node:assert/strict";
import { DockerCli, DockerError } from "./_docker.ts";
import { pinnedSubnetAt } from "./_pinned_subnet.ts";
import { createNetworks } from "./launch.ts";
import type { CreatedObject, LaunchStep } from "../types.ts";

const cli = new DockerCli();
const TEST_LABEL = "bot-bottle-test=1";

/** A step for a fresh slug, recording what it creates. */
function launchStep(): { step: LaunchStep; created: CreatedObject[] } {
  const slug = `pin-${crypto.randomUUID().slice(0, 6)}`;
  const created: CreatedObject[] = [];
  const bottle = { slug, label: "pin", agent: "pin" };
  return { step: { bottle, created: (object) => void created.push(object) }, created };
}

/** A third octet no network on this engine uses now, and a network holding another one. */
async function holder(): Promise<{ taken: number; free: number; name: string }> {
  const used = (await cli.run(["network", "ls", "--quiet"])).stdout.trim().split("\n");
  const inspected = used.length === 0 ? "" : (await cli.run([
    "network",
    "inspect",
    "--format",
    "{{range .IPAM.Config}}{{.Subnet}} {{end}}",
    ...used,
  ], { allowFailure: true })).stdout;
  const octets = [...inspected.matchAll(/169\.254\.(\d+)\.0\/24/g)].map((m) => Number(m[1]));
  const [taken, free] = [...Array(250).keys()].map((i) => i + 2)
    .filter((o) => o !== 169 && !octets.includes(o));
  const name = `bb-pin-test-${crypto.randomUUID().slice(0, 6)}`;
  await cli.run([
    "network",
    "create",
    "--internal",
    "--label",
    TEST_LABEL,
    "--subnet",
    `169.254.${taken}.0/24`,
    name,
  ]);
  return { taken: taken!, free: free!, name };
}

async function removeAll(networks: readonly string[]): Promise<void> {
  for (const name of networks) await cli.run(["network", "rm", name], { allowFailure: true });
}

Deno.test("createNetworks() skips a subnet another network holds and pins the sidecar's address", async () => {
  const { taken, free, name } = await holder();
  const { step, created } = launchStep();
  try {
    const tried = [pinnedSubnetAt(taken), pinnedSubnetAt(free)];
    const networks = await createNetworks(cli, step, { egressNetwork: name }, () => tried.shift()!);
    assert.deepEqual(networks, {
      internalSubnet: `169.254.${free}.0/24`,
      egressNetwork: name,
      sidecarAddress: `169.254.${free}.2`,
    });
    assert.deepEqual(created.map((c) => c.kind), ["network"]);
    const range = await cli.run([
      "network",
      "inspect",
      "--format",
      "{{range .IPAM.Config}}{{.Subnet}} {{.IPRange}} {{.Gateway}}{{end}}",
      created[0]!.name,
    ]);
    assert.equal(
      range.stdout.trim(),
      `169.254.${free}.0/24 169.254.${free}.128/25 169.254.${free}.1`,
    );
  } finally {
    await removeAll([...created.map((c) => c.name), name]);
  }
});

Deno.test("createNetworks() gives up after eight taken subnets with docker's own refusal", async () => {
  const { taken, name } = await holder();
  const { step, created } = launchStep();
  let tries = 0;
  try {
    await assert.rejects(
      createNetworks(cli, step, { egressNetwork: name }, () => {
        tries++;
        return pinnedSubnetAt(taken);
      }),
      (err: unknown) =>
        err instanceof DockerError && /Pool overlaps|Address already in use/.test(err.stderr),
    );
    assert.equal(tries, 8);
    assert.deepEqual(created, [], "nothing was made");
  } finally {
    await removeAll([...created.map((c) => c.name), name]);
  }
});
