import assert from "node:assert/strict";
import type { GateRepo } from "../../core/git_gate/mod.ts";
import { hostKeyAlias, knownHostsLine, upstreamSsh } from "./_ssh.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
const FILES = { keyFile: "/state/git-gate/keys/app", knownHostsFile: "/tmp/g/known_hosts/app" };

function repo(fields: Partial<GateRepo> = {}): GateRepo {
  return {
    name: "app",
    url: "ssh://git@git.example.test/org/app.git",
    user: "git",
    host: "git.example.test",
    port: 22,
    path: "org/app.git",
    host_key: KEY,
    extra_hosts: {},
    ...fields,
  };
}

Deno.test("upstreamSsh() pins the host key under the repo's alias, with no agent and no prompts", () => {
  const ssh = upstreamSsh(repo(), FILES);
  assert.equal(ssh.url, "ssh://git@git.example.test:22/org/app.git");
  assert.equal(ssh.env.GIT_SSH_VARIANT, "ssh");
  const words = ssh.env.GIT_SSH_COMMAND?.split(" ") ?? [];
  assert.deepEqual(words.slice(0, 5), ["ssh", "-F", "/dev/null", "-i", FILES.keyFile]);
  const options = words.filter((_, i) => words[i - 1] === "-o");
  for (
    const wanted of [
      `UserKnownHostsFile=${FILES.knownHostsFile}`,
      "HostKeyAlias=bot-bottle-gate-app",
      "StrictHostKeyChecking=yes",
      "BatchMode=yes",
      "ConnectTimeout=10",
      "GlobalKnownHostsFile=/dev/null",
      "IdentitiesOnly=yes",
      "IdentityAgent=none",
    ]
  ) assert.ok(options.includes(wanted), wanted);
  assert.equal(knownHostsLine(repo()), `bot-bottle-gate-app ${KEY}\n`);
  assert.equal(hostKeyAlias(repo({ name: "other" })), "bot-bottle-gate-other");
});

Deno.test("upstreamSsh() connects to the extra_hosts address but checks the key by alias", () => {
  assert.equal(
    upstreamSsh(repo({ port: 2222, extra_hosts: { "git.example.test": "10.1.2.3" } }), FILES).url,
    "ssh://git@10.1.2.3:2222/org/app.git",
  );
  assert.equal(
    upstreamSsh(repo({ extra_hosts: { "git.example.test": "fd00::5" } }), FILES).url,
    "ssh://git@[fd00::5]:22/org/app.git",
  );
  assert.equal(
    upstreamSsh(repo({ extra_hosts: { "other.example.test": "10.1.2.3" } }), FILES).url,
    "ssh://git@git.example.test:22/org/app.git",
  );
});

Deno.test("upstreamSsh() refuses paths a shell would split or expand", () => {
  for (const keyFile of ["/a b/key", "/a;b", "relative/key", "/a$(id)", "/a'b"]) {
    assert.throws(() => upstreamSsh(repo(), { ...FILES, keyFile }), /unsafe path for ssh/);
  }
});
