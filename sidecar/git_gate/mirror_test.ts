import assert from "node:assert/strict";
import { join } from "node:path";
import type { GateRepo } from "../../core/git_gate/mod.ts";
import {
  baseGitEnv,
  type GateDirs,
  HOOK_PROBE_EXIT,
  HOOK_PROBE_REPLY,
  initMirrors,
  probeHook,
} from "./mod.ts";

const REPO: GateRepo = {
  name: "app",
  url: "ssh://git@git.example.test/app.git",
  user: "git",
  host: "git.example.test",
  port: 22,
  path: "app.git",
  host_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f",
  extra_hosts: {},
};

async function withMirror(fn: (dirs: GateDirs, hooks: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "bb-mirror-" });
  const dirs = {
    configDir: join(root, "c"),
    mirrorDir: join(root, "git"),
    privateDir: join(root, "p"),
  };
  const hooks = join(dirs.privateDir, "hooks");
  try {
    await initMirrors([REPO], {
      dirs,
      env: baseGitEnv(dirs, Deno.env.get("PATH") ?? ""),
      hooksDir: hooks,
      timeoutMs: 10_000,
    });
    await Deno.mkdir(hooks, { recursive: true });
    await fn(dirs, hooks);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("initMirrors() makes a bare mirror that takes pushes only through its hooks", async () => {
  await withMirror(async (dirs, hooks) => {
    const config = await new Deno.Command("git", {
      args: ["--git-dir", join(dirs.mirrorDir, "app.git"), "config", "--list", "--local"],
      stdout: "piped",
    }).output();
    const text = new TextDecoder().decode(config.stdout);
    for (
      const line of [
        "core.bare=true",
        `core.hookspath=${hooks}`,
        "http.receivepack=true",
        "receive.fsckobjects=true",
        "receive.advertisepushoptions=true",
        "receive.maxinputsize=2g",
        "receive.unpacklimit=1",
      ]
    ) assert.ok(text.includes(line), line);
    assert.equal(
      await Deno.readTextFile(join(dirs.privateDir, "known_hosts", "app")),
      `bot-bottle-gate-app ${REPO.host_key}\n`,
    );
  });
});

Deno.test("probeHook() passes only when git really runs the hook and it answers", async () => {
  await withMirror(async (dirs, hooks) => {
    const env = baseGitEnv(dirs, Deno.env.get("PATH") ?? "");
    const probe = () => probeHook(REPO, { dirs, env, timeoutMs: 10_000 });
    await assert.rejects(probe(), /pre-receive hook of app does not run.*cannot find a hook/);
    const hook = join(hooks, "pre-receive");
    const script =
      `#!/bin/sh\n[ "$BOT_BOTTLE_GIT_GATE_PROBE" = 1 ] && echo "${HOOK_PROBE_REPLY}" >&2\n` +
      `exit ${HOOK_PROBE_EXIT}\n`;
    await Deno.writeTextFile(hook, script, { mode: 0o644 });
    await Deno.chmod(hook, 0o644);
    await assert.rejects(probe(), /does not run.*not set as executable/);
    await Deno.chmod(hook, 0o755);
    await probe();
    await Deno.writeTextFile(hook, "#!/bin/sh\necho something else >&2\nexit 3\n");
    await assert.rejects(probe(), /does not run, so pushes would go unscanned: something else/);
    // The right words with the exit code of an accepted push are not the probe's answer.
    await Deno.writeTextFile(hook, `#!/bin/sh\necho "${HOOK_PROBE_REPLY}" >&2\n`);
    await assert.rejects(probe(), /does not run/);
  });
});
