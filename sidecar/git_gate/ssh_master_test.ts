import assert from "node:assert/strict";
import { join } from "node:path";
import type { GateRepo } from "../../core/git_gate/mod.ts";
import { sshArgv, upstreamSsh } from "./_ssh.ts";
import { clientArgs, masterArgv, openSshMaster } from "./_ssh_master.ts";
import { makeGate, processesMentioning, silentUpstream } from "./_testing.ts";
import { sshFiles } from "./_mirror.ts";

const FILES = { keyFile: "/state/git-gate/keys/app", knownHostsFile: "/tmp/g/known_hosts/app" };
const REPO: GateRepo = {
  name: "app",
  url: "ssh://git@git.example.test:2222/org/app.git",
  user: "git",
  host: "git.example.test",
  port: 2222,
  path: "org/app.git",
  host_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f",
  extra_hosts: { "git.example.test": "fd00::5" },
};

Deno.test("masterArgv() logs in with the upstream's own settings, opens no session, never lingers", () => {
  const base = sshArgv(REPO, FILES);
  const argv = masterArgv(REPO, FILES, "/run/g/ssh-x/s");
  assert.deepEqual(argv.slice(0, base.length), base);
  assert.deepEqual(argv.slice(base.length), [
    "-M",
    "-N",
    "-S",
    "/run/g/ssh-x/s",
    "-o",
    "ControlPersist=no",
    "-p",
    "2222",
    "git@fd00::5",
  ]);
  assert.throws(() => masterArgv(REPO, FILES, "/run/a b/s"), /unsafe path for ssh/);
});

Deno.test("clientArgs() uses the master and never becomes one; git's ssh command carries them", () => {
  assert.deepEqual(clientArgs("/run/g/ssh-x/s"), [
    "-o",
    "ControlPath=/run/g/ssh-x/s",
    "-o",
    "ControlMaster=no",
  ]);
  assert.throws(() => clientArgs("/run/g/$(id)/s"), /unsafe path for ssh/);
  const command = upstreamSsh(REPO, FILES, clientArgs("/run/g/ssh-x/s")).env.GIT_SSH_COMMAND;
  assert.ok(command?.endsWith(" -o ControlPath=/run/g/ssh-x/s -o ControlMaster=no"), command);
});

Deno.test("openSshMaster() connects at once; disposing it ends ssh and removes its private folder", async () => {
  using upstream = silentUpstream();
  const gate = await makeGate("bb-master-", { port: upstream.port });
  try {
    const master = await openSshMaster(gate.repo, sshFiles(gate.dirs, gate.repo), {
      dir: gate.dirs.privateDir,
      env: gate.env,
    });
    const dir = join(master.socket, "..");
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    for (let i = 0; i < 100 && upstream.accepted() === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(upstream.accepted(), 1, "ssh did not connect");
    assert.equal((await processesMentioning(dir)).length, 1);
    await master[Symbol.asyncDispose]();
    assert.deepEqual(await processesMentioning(dir), []);
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
  } finally {
    await Deno.remove(gate.root, { recursive: true });
  }
});

Deno.test("openSshMaster() is disposed cleanly after ssh gave up on its own", async () => {
  const gate = await makeGate("bb-master-");
  try {
    const master = await openSshMaster(gate.repo, sshFiles(gate.dirs, gate.repo), {
      dir: gate.dirs.privateDir,
      env: gate.env,
    });
    const dir = join(master.socket, "..");
    for (let i = 0; i < 100 && (await processesMentioning(dir)).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await master[Symbol.asyncDispose]();
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
  } finally {
    await Deno.remove(gate.root, { recursive: true });
  }
});
