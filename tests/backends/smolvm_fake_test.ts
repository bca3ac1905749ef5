/**
 * The fake `smolvm` is only worth its tests if it refuses what smolvm refuses: these check that
 * it does, for the shapes a backend could get wrong, and that it records what it was given.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { run } from "../egress/_harness.ts";
import { installFakeSmolvm } from "../fakes/smolvm_fake.ts";

Deno.test("fake smolvm refuses every shape smolvm refuses, with exit 2", async () => {
  const fake = await installFakeSmolvm();
  try {
    const refused: [string[], RegExp][] = [
      [["machine", "create", "vm1"], /unexpected argument 'vm1'/],
      [["machine", "create", "--name", "vm1", "--bogus"], /unexpected argument '--bogus'/],
      [["machine", "create", "--name", "vm1", "--allow-cidr", "127.0.0.1"], /IPv4 CIDR/],
      [["machine", "create", "--name", "vm1", "--cpus", "0"], /expected 1 to 255/],
      [["machine", "create", "--name", "vm1", "--secret-file", "K=rel/path"], /\/abs\/path/],
      [["machine", "create", "--name", "vm1", "--secret-env", "K"], /GUEST_VAR=HOST_VAR/],
      [["machine", "create", "--name", "vm1", "--image", "a", "--from", "b"], /cannot be used/],
      [["machine", "create", "--name", "a", "--name", "b"], /multiple times/],
      [["machine", "create", "--name", "vm1", "--volume", "/h:rel"], /absolute guest path/],
      [["machine", "exec", "--name", "vm1"], /required arguments/],
      [["machine", "exec", "-n", "vm1", "--", "true"], /unexpected argument '-n'/],
      [["machine", "exec", "--name", "vm1", "-d", "-i", "--", "true"], /cannot be used/],
      [["machine", "exec", "--name", "vm1", "--timeout", "soon", "--", "true"], /duration/],
      [["machine", "delete"], /--name/],
      [["machine", "status", "vm1"], /unexpected argument 'vm1'/],
      [["pack", "create", "--from-vm", "vm1"], /--output/],
      [["machine", "launch"], /unrecognized subcommand/],
    ];
    for (const [args, why] of refused) {
      const result = await run(fake.cli, args);
      assert.equal(result.code, 2, `${args.join(" ")} was accepted`);
      assert.match(result.stderr, why, args.join(" "));
    }
    const unsimulated = await run(fake.cli, ["machine", "run", "--", "true"]);
    assert.equal(unsimulated.code, 3);
    assert.match(unsimulated.stderr, /not simulated/);
    assert.deepEqual(await fake.machines(), {}, "nothing refused left a machine");
  } finally {
    await fake.remove();
  }
});

Deno.test("fake smolvm keeps machines, resolves secrets as smolvm does, and records each call", async () => {
  const fake = await installFakeSmolvm();
  try {
    const secret = join(fake.dir, "token");
    await Deno.writeTextFile(secret, "file-value");
    const created = await run(fake.cli, [
      "machine",
      "create",
      "--name",
      "vm1",
      "--label",
      "bot-bottle.slug=s1",
      "--image",
      "/images/agent.tar",
      "--allow-cidr",
      "127.77.0.2/32",
      "--secret-file",
      `TOKEN=${secret}`,
      "--secret-env",
      "FROM_ENV=HOST_VAR",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const notRunning = await run(fake.cli, ["machine", "exec", "--name", "vm1", "--", "true"]);
    assert.match(notRunning.stderr, /is not running/);
    const unset = await run(fake.cli, ["machine", "start", "--name", "vm1"]);
    assert.equal(unset.code, 1, "a secret reference that does not resolve fails the start");
    assert.match(unset.stderr, /HOST_VAR is not set/);
    const env = { HOST_VAR: "env-value" };
    assert.equal((await run(fake.cli, ["machine", "start", "--name", "vm1"], { env })).code, 0);
    const seen = await run(fake.cli, [
      "machine",
      "exec",
      "--name",
      "vm1",
      "--",
      "printenv",
      "TOKEN",
    ], {
      env,
    });
    assert.equal(seen.stdout, "file-value\n");
    const listed = JSON.parse((await run(fake.cli, ["machine", "ls", "--json"])).stdout);
    assert.deepEqual(
      listed.map((m: Record<string, unknown>) => [m.name, m.state, m.network, m.allowed_cidrs]),
      [["vm1", "running", true, ["127.77.0.2/32"]]],
    );
    assert.equal(listed[0].labels["bot-bottle.slug"], "s1");
    const calls = await fake.calls();
    assert.deepEqual(calls[0]!.argv.slice(0, 4), ["machine", "create", "--name", "vm1"]);
    assert.ok(calls.at(-2)!.env.includes("HOST_VAR"), "the variables it got are recorded by name");
    assert.ok(!JSON.stringify(calls).includes("env-value"), "never their values");
  } finally {
    await fake.remove();
  }
});

Deno.test("fake smolvm's guest reaches only what the allowlist admits, stdin only with -i", async () => {
  const fake = await installFakeSmolvm({ widen: ["10.0.0.0/8"] });
  try {
    const exec = (args: string[], stdin?: string) =>
      run(
        fake.cli,
        ["machine", "exec", "--name", "vm1", ...args],
        stdin === undefined ? {} : { stdin },
      );
    await run(fake.cli, ["machine", "create", "--name", "vm1", "--allow-cidr", "127.77.0.2/32"]);
    await run(fake.cli, ["machine", "start", "--name", "vm1"]);
    const hosts = ["sh", "-c", 'printf \'%s %s\\n\' "$1" "$2" >> /etc/hosts', "sh"];
    assert.equal(
      (await exec(["--", ...hosts, "127.77.0.2", "bot-bottle-sidecar"])).code,
      1,
      "not root",
    );
    assert.equal(
      (await exec(["--user", "root", "--", ...hosts, "127.77.0.2", "bot-bottle-sidecar"])).code,
      0,
    );
    const probe = await exec([
      "--",
      "sh",
      "-c",
      "script",
      "bot-bottle-self-test",
      "proxy=http://bot-bottle-sidecar:9099",
      "tcp=10.1.2.3:443",
      "tcp=192.0.2.1:80",
      "dns=bot-bottle-sidecar",
      "dns=example.com",
    ]);
    assert.equal(probe.code, 1);
    assert.deepEqual(
      probe.stdout.trim().split("\n").map((l) => l.split("\t").slice(1, 3).join(" ")),
      [
        "tools ok",
        "proxy ok",
        "tcp 10.1.2.3:443 fail",
        "tcp 192.0.2.1:80 ok",
        "dns bot-bottle-sidecar fail",
        "dns example.com ok",
      ],
    );
    assert.equal((await exec(["--", "tar", "--extract"], "data")).code, 0);
  } finally {
    await fake.remove();
  }
});
