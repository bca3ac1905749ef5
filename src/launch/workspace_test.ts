import assert from "node:assert/strict";
import { join } from "node:path";
import type { MemoryAgent } from "../../backends/memory/mod.ts";
import { ConfigError } from "../../core/errors/mod.ts";
import { measureWorkspace, refuseGitCredentials } from "./mod.ts";
import { copyWorkspace, restoreWorkspace, saveWorkspace } from "./_workspace.ts";
import { LaunchError } from "./launch_error.ts";
import { runningAgent, simulatedAgent } from "./testing/mod.ts";

/** An agent whose every command writes `size()` zero bytes to its output. */
function sending(size: () => number): MemoryAgent {
  return simulatedAgent({
    command: async (_slug, _argv, options) => {
      const writer = options.stdout!.getWriter();
      await writer.write(new Uint8Array(size())).catch(() => {});
      await writer.close().catch(() => {});
      return 0;
    },
  });
}

async function folder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bb-workspace-" });
  await Deno.mkdir(join(dir, ".git", "objects"), { recursive: true });
  await Deno.writeTextFile(join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
  await Deno.writeTextFile(join(dir, "hello.txt"), "hello\n");
  await Deno.symlink("/etc", join(dir, "etc-link"));
  return dir;
}

Deno.test("measureWorkspace() counts a folder's bytes without following symlinks", async () => {
  const dir = await folder();
  try {
    const size = await measureWorkspace(dir, 1024 * 1024);
    // The link to /etc counts as a link, not as /etc.
    assert.ok(size > 6 && size < 64 * 1024, `${size}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("measureWorkspace() refuses a folder over the limit, saying how large it is and what to do", async () => {
  const dir = await folder();
  try {
    await Deno.writeFile(join(dir, "big.bin"), new Uint8Array(3 * 1024 * 1024));
    await assert.rejects(measureWorkspace(dir, 1024 * 1024), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`The working directory ${dir} holds 3\\.0 MiB`));
      assert.match(err.message, /over the 1\.0 MiB a bottle takes \(BOT_BOTTLE_WORKSPACE_MAX_MB\)/);
      assert.match(err.message, /--cwd DIR, or --no-cwd/);
      return true;
    });
    await Deno.writeFile(join(dir, "huge.bin"), new Uint8Array(6 * 1024 * 1024));
    await assert.rejects(measureWorkspace(dir, 1024 * 1024), /holds more than/);
    await assert.rejects(
      measureWorkspace(join(dir, "nope"), 1),
      /Cannot copy the working directory/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("copyWorkspace() streams the folder, .git and symlinks included, to tar in the agent", async () => {
  const dir = await folder();
  let received: Uint8Array = new Uint8Array(0);
  const backend = runningAgent(
    "w-1",
    simulatedAgent({ workspace: (_slug, tar) => received = tar }),
  );
  try {
    await copyWorkspace(backend, "w-1", dir);
    const text = new TextDecoder("latin1").decode(received);
    for (const name of ["./hello.txt", "./.git/HEAD", "./etc-link"]) {
      assert.ok(text.includes(name), name);
    }
    assert.ok(text.includes("/etc"), "the symlink's target is in the archive, as a link");
    assert.ok(!text.includes("root:x:0:0"), "the link was not followed");
    assert.deepEqual(backend.world.commands.at(-1), [
      "memory",
      "exec",
      "memory-agent-w-1",
      "tar",
      "--extract",
      "--file=-",
      "--no-same-owner",
      "--directory",
      "/home/agent/workspace",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveWorkspace() keeps no more than its cap of what the agent sends, and nothing then", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-save-" });
  const backend = runningAgent("s-1", sending(() => 5000));
  try {
    const archive = join(dir, "workspace.tar");
    await assert.rejects(saveWorkspace(backend, "s-1", archive, 1024), /it is over/);
    assert.equal(await Deno.lstat(archive).catch(() => undefined), undefined);
    await saveWorkspace(backend, "s-1", archive, 8192);
    assert.equal((await Deno.stat(archive)).size, 5000);
    assert.equal((await Deno.stat(archive)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveWorkspace() that fails keeps the workspace an earlier save kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-save-" });
  let size = 100;
  const backend = runningAgent("s-2", sending(() => size));
  try {
    const archive = join(dir, "workspace.tar");
    await saveWorkspace(backend, "s-2", archive, 1024);
    size = 5000;
    await assert.rejects(saveWorkspace(backend, "s-2", archive, 1024), /it is over/);
    assert.equal((await Deno.stat(archive)).size, 100, "the earlier save is intact");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["workspace.tar"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("refuseGitCredentials() refuses a .git/config with a credential, and takes a clean one", async () => {
  const dir = await folder();
  try {
    await refuseGitCredentials(dir);
    const config = join(dir, ".git", "config");
    await Deno.writeTextFile(config, '[remote "origin"]\n\turl = git@github.com:team/app.git\n');
    await refuseGitCredentials(dir);
    for (
      const bad of [
        '[remote "origin"]\n\turl = https://x-access-token:ghs_abc123@github.com/team/app\n',
        '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3M=\n',
      ]
    ) {
      await Deno.writeTextFile(config, bad);
      await assert.rejects(refuseGitCredentials(dir), (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /holds a credential/);
        assert.doesNotMatch(err.message, /ghs_abc123|eC1hY2Nlc3M/);
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("copyWorkspace() and restoreWorkspace() fail with the tar that failed, host or agent", async () => {
  const dir = await folder();
  const refusing: MemoryAgent = async (_slug, _argv, options) => {
    await options.stdin?.cancel();
    return { code: 2, stdout: "", stderr: "tar: Cannot open: Permission denied" };
  };
  try {
    await assert.rejects(
      copyWorkspace(runningAgent("f-1", simulatedAgent()), "f-1", join(dir, "gone")),
      (err: Error) => err instanceof LaunchError && /tar on the host failed/.test(err.message),
    );
    await assert.rejects(
      copyWorkspace(runningAgent("f-2", refusing), "f-2", dir),
      /tar in the agent failed \(exit 2\): tar: Cannot open: Permission denied/,
    );
    const archive = join(dir, "saved.tar");
    await Deno.writeFile(archive, new Uint8Array(1024));
    await assert.rejects(
      restoreWorkspace(runningAgent("f-3", refusing), "f-3", archive),
      (err: Error) =>
        err instanceof LaunchError && /Cannot restore the saved workspace/.test(err.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
