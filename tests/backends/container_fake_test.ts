/**
 * The strict fake of Apple's `container` CLI refuses what the real CLI refuses (its grammar from
 * apple/container `docs/command-reference.md`), so the backend tests that pass against it speak
 * the documented grammar. Each row is a command line and how the CLI answers it.
 */
import assert from "node:assert/strict";
import { FakeContainerCli } from "../fakes/container/mod.ts";

async function run(fake: FakeContainerCli, args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(fake.cli, {
    args,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/", ...env },
    clearEnv: true,
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout),
    stderr: text.decode(output.stderr),
  };
}

Deno.test("the container fake refuses what the documented grammar refuses", async () => {
  await using fake = await FakeContainerCli.create({}, ["img:1"]);
  const folder = await Deno.makeTempFile();
  await run(fake, ["network", "create", "--internal", "net"]);
  const rows: [string[], number, RegExp][] = [
    [["frobnicate"], 64, /Unexpected argument 'frobnicate'/],
    [["network", "create", "--bogus", "x"], 64, /Unknown option '--bogus'/],
    [["run", "--name"], 64, /Missing value for '--name <value>'/],
    [["run", "--cpus", "0.5", "img:1"], 64, /'0\.5' is invalid for '--cpus'/],
    [["run", "--memory", "640mb!", "img:1"], 64, /invalid for '--memory'/],
    [["run", "--label", "novalue", "img:1"], 64, /format: key=value/],
    [["run", "--mount", "type=bind,sauce=/x,target=/y", "img:1"], 64, /unknown directive sauce/],
    [["run", "--detach=yes", "img:1"], 64, /does not take a value/],
    [["run", "--dns", "resolver.test", "img:1"], 64, /must be an IP address/],
    [["list", "--format", "yaml"], 64, /must be one of json, table/],
    [["exec", "c1"], 64, /Missing expected argument/],
    [["logs", "a", "b"], 64, /Unexpected argument 'b'/],
    [["run", "--detach", "--network", "nowhere", "img:1"], 1, /network nowhere not found/],
    [["run", "--detach", "missing:1"], 1, /image missing:1 not found/],
    [["run", "--mount", `type=bind,source=${folder},target=/y`, "img:1"], 1, /is not a directory/],
    [["exec", "c1", "true"], 1, /container c1 is not running/],
  ];
  try {
    for (const [args, code, said] of rows) {
      const result = await run(fake, args);
      assert.equal(result.code, code, args.join(" "));
      assert.match(result.stderr, said, args.join(" "));
    }
    assert.equal((await fake.state()).containers["c1"], undefined, "nothing was created");
  } finally {
    await Deno.remove(folder);
  }
});

/** A container `c1` on the network `net`, given `TOKEN` by name. */
const RUN_C1 = ["run", "--detach", "--name", "c1", "--network", "net", "--env", "TOKEN", "img:1"];

Deno.test("the container fake takes arguments after the image as the process's own", async () => {
  await using fake = await FakeContainerCli.create({}, ["img:1"]);
  await run(fake, ["network", "create", "net"]);
  const started = await run(fake, [...RUN_C1, "--not-a-container-flag"]);
  assert.deepEqual([started.code, started.stdout], [0, "c1\n"]);
  const busy = await run(fake, ["network", "delete", "net"]);
  assert.deepEqual([busy.code, busy.stderr], [1, "Error: network net has containers attached\n"]);
});

Deno.test("the container fake records every call with env names, never values", async () => {
  await using fake = await FakeContainerCli.create({}, ["img:1"]);
  await run(fake, ["network", "create", "net"]);
  await run(fake, RUN_C1, { TOKEN: "s3cr3t-value" });
  const seen = await run(fake, ["exec", "c1", "printenv", "TOKEN"]);
  assert.equal(seen.stdout, "s3cr3t-value\n", "a bare --env NAME takes the CLI's own value");
  const calls = await fake.calls();
  assert.deepEqual(calls.map((c) => c.envNames), [[], ["TOKEN"], []]);
  assert.ok(!JSON.stringify(calls).includes("s3cr3t-value"));
});
