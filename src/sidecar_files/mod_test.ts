import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";
import { parseGateConfig } from "../../core/git_gate/mod.ts";
import type { Repo } from "../manifest/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { type BottlePlan, buildPlan, demoAgent } from "../plan/mod.ts";
import { writeSidecarFiles } from "./mod.ts";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
const OPTIONS = { uid: 1000, gid: 1000 };

/** An OpenSSH private key file as ssh-keygen writes it, enough for the header and cipher check. */
function opensshKey(cipher: string): string {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(cipher.length);
  const blob = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    length,
    Buffer.from(cipher),
    Buffer.from("SECRET-KEY-BYTES-9c1e"),
  ]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${
    blob.toString("base64")
  }\n-----END OPENSSH PRIVATE KEY-----\n`;
}

function repo(name: string, keyPath: string): Repo {
  return {
    name,
    url: `ssh://git@git.test/org/${name}.git`,
    user: "git",
    host: "git.test",
    port: 22,
    path: `org/${name}.git`,
    hostKey: HOST_KEY,
    key: { provider: "static", path: keyPath },
    extraHosts: {},
  };
}

function plan(home: string, repos: Repo[], user: { name?: string } = {}): BottlePlan {
  const agent = demoAgent();
  agent.bottle.gitGate.repos = Object.fromEntries(repos.map((r) => [r.name, r]));
  if (user.name !== undefined) agent.gitUser = { name: { value: user.name, from: "/a.md" } };
  return buildPlan(agent, {
    slug: "dev-abc123",
    label: "dev",
    cwd: "/w",
    paths: homePaths({ BOT_BOTTLE_HOME: home }),
    hostEnv: {},
  });
}

async function mode(path: string): Promise<string> {
  return ((await Deno.stat(path)).mode! & 0o777).toString(8);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("writeSidecarFiles() gives the gate its config and key copies, sidecar-only", async () => {
  const home = await Deno.makeTempDir();
  try {
    const key = join(home, "deploy_key");
    await Deno.writeTextFile(key, opensshKey("none"));
    const p = plan(home, [repo("app", key)], { name: "Dev Bot" });
    await writeSidecarFiles(p, OPTIONS);
    const { gitGate, gitMirrors, agentGit, sidecarEtc } = p.paths;
    assert.equal(await mode(gitGate), "700");
    assert.equal(await mode(join(gitGate, "keys")), "700");
    assert.equal(await mode(join(gitGate, "keys/app")), "600");
    assert.equal(await Deno.readTextFile(join(gitGate, "keys/app")), opensshKey("none"));
    assert.equal(await mode(join(gitGate, "repos.json")), "600");
    const repos = await Deno.readTextFile(join(gitGate, "repos.json"));
    assert.deepEqual(parseGateConfig(repos).config?.repos.map((r) => r.name), ["app"]);
    assert.ok(!repos.includes("SECRET") && !repos.includes(key), "no key material or path");
    assert.equal(await mode(gitMirrors), "700");
    assert.deepEqual([...Deno.readDirSync(gitMirrors)], []);
    assert.equal(await mode(agentGit), "755");
    assert.equal(await mode(join(agentGit, "gitconfig")), "644");
    const gitconfig = await Deno.readTextFile(join(agentGit, "gitconfig"));
    assert.match(gitconfig, /\tname = Dev Bot\n/);
    assert.match(gitconfig, /\[url "http:\/\/bot-bottle-sidecar:9420\/app\.git"\]/);
    assert.equal(await mode(join(sidecarEtc, "passwd")), "644");
    assert.match(await Deno.readTextFile(join(sidecarEtc, "passwd")), /^bot-bottle:x:1000:1000:/m);
    assert.equal(await mode(join(sidecarEtc, "group")), "644");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("writeSidecarFiles() keeps the mirrors and drops undeclared keys on resume", async () => {
  const home = await Deno.makeTempDir();
  try {
    const key = join(home, "deploy_key");
    await Deno.writeTextFile(key, opensshKey("none"));
    const first = plan(home, [repo("app", key), repo("old", key)]);
    await writeSidecarFiles(first, OPTIONS);
    await Deno.mkdir(join(first.paths.gitMirrors, "app.git"));
    await writeSidecarFiles(plan(home, [repo("app", key)]), OPTIONS);
    assert.ok(await exists(join(first.paths.gitMirrors, "app.git")), "mirrors are kept");
    assert.ok(!await exists(join(first.paths.gitGate, "keys/old")), "old key removed");
    const none = plan(home, []);
    await writeSidecarFiles(none, OPTIONS);
    assert.ok(!await exists(none.paths.gitGate), "no gate config without repos");
    assert.equal(
      await Deno.readTextFile(join(none.paths.agentGit, "gitconfig")),
      "# Written by bot-bottle: git reaches the declared repos through the git gate.\n",
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("writeSidecarFiles() refuses a key file the gate cannot use, without its content", async () => {
  const home = await Deno.makeTempDir();
  try {
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(join(home, name), text);
      return join(home, name);
    };
    const cases: [string, string, RegExp][] = [
      [join(home, "missing"), "app", /\(.*\/missing\) does not exist$/],
      [home, "app", /is not a file$/],
      [
        await write("id.pub", `${HOST_KEY} SECRET-PUB-COMMENT\n`),
        "app",
        /is not an SSH private key \(expected -----BEGIN … PRIVATE KEY-----; is it the \.pub/,
      ],
      [await write("empty", ""), "app", /is not an SSH private key/],
      [join(home, "empty", "under-a-file"), "app", /cannot be read \(NotADirectory\)$/],
      [
        await write("bad-blob", opensshKey("none").replace("b3Blbn", "SECRET")),
        "app",
        /is not an SSH private key/,
      ],
      [await write("enc", opensshKey("aes256-ctr")), "app", /has a passphrase; /],
      [
        await write(
          "enc.pem",
          "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nSECRET\n" +
            "-----END RSA PRIVATE KEY-----\n",
        ),
        "app",
        /has a passphrase/,
      ],
    ];
    for (const [path, name, message] of cases) {
      await assert.rejects(writeSidecarFiles(plan(home, [repo(name, path)]), OPTIONS), (err) => {
        assert.ok(err instanceof ConfigError, path);
        assert.ok(
          err.message.startsWith(
            `Cannot start bottle "demo": the key of git-gate repo "${name}" (${path}) `,
          ),
          err.message,
        );
        assert.match(err.message, message);
        assert.ok(!err.message.includes("SECRET"), "the file's content is not echoed");
        return true;
      });
    }
    const pem = await write(
      "rsa.pem",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
    );
    await writeSidecarFiles(plan(home, [repo("app", pem)]), OPTIONS);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

// Root reads any file, so only another user can see this refusal.
Deno.test({
  name: "writeSidecarFiles() refuses an unreadable key file",
  ignore: Deno.uid() === 0,
}, async () => {
  const home = await Deno.makeTempDir();
  try {
    const key = join(home, "locked");
    await Deno.writeTextFile(key, opensshKey("none"));
    await Deno.chmod(key, 0o000);
    await assert.rejects(
      writeSidecarFiles(plan(home, [repo("app", key)]), OPTIONS),
      /repo "app" \(.*\/locked\) cannot be read \(permission denied\)/,
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
