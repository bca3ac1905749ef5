import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../../core/errors/mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome } from "../lifecycle/testing/mod.ts";
import { printable, UnsafeArchiveError } from "../lifecycle/mod.ts";
import { cpCommand } from "./cp.ts";
import { capturedContext } from "./_testing.ts";

/** A bottle whose `tar --create` packs `dir` (a host folder standing in for the workspace). */
function bottleServing(dir: string): FakeBackend {
  const docker = new FakeBackend({
    onExec: async (_slug, argv, options) => {
      if (argv[0] !== "tar" || options.stdout === undefined) return 2;
      const name = argv.at(-1)!;
      const tar = new Deno.Command("tar", {
        args: ["--create", "--file=-", `--directory=${dir}`, "--", name],
        stdout: "piped",
        stderr: "null",
      }).spawn();
      await tar.stdout.pipeTo(options.stdout);
      return (await tar.status).code;
    },
  });
  docker.addRunning("dev-1");
  return docker;
}

Deno.test("cpCommand() copies a folder out of a bottle under its own name, links as links", async () => {
  await using home = await tempBotHome();
  const work = join(home.paths.root, "bottle-side");
  await Deno.mkdir(join(work, "dist", "sub"), { recursive: true });
  await Deno.writeTextFile(join(work, "dist", "sub", "app.js"), "console.log(1)\n");
  await Deno.symlink("/etc/passwd", join(work, "dist", "passwd-link"));
  const out = join(home.paths.root, "out");
  await Deno.mkdir(out);
  const ctx = capturedContext(home.env, { cwd: home.paths.root });
  const registry = fakeRegistry(bottleServing(work));
  assert.equal(await cpCommand(ctx, { source: "dev-1:dist", hostDir: "out", registry }), 0);
  assert.equal(ctx.out, `${join(out, "dist")}\n`);
  assert.equal(await Deno.readTextFile(join(out, "dist", "sub", "app.js")), "console.log(1)\n");
  assert.equal(await Deno.readLink(join(out, "dist", "passwd-link")), "/etc/passwd");
  const left = [...Deno.readDirSync(out)].map((e) => e.name);
  assert.deepEqual(left, ["dist"], "no staging folder is left behind");
  await assert.rejects(
    cpCommand(ctx, { source: "dev-1:dist", hostDir: "out", registry }),
    /already exists; remove it or copy into another folder/,
  );
});

Deno.test("cpCommand() refuses bad sources, missing folders and paths the bottle lacks", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env, { cwd: home.paths.root });
  const registry = fakeRegistry(bottleServing(home.paths.root));
  for (const source of ["dev-1", ":dist", "dev-1:"]) {
    await assert.rejects(
      cpCommand(ctx, { source, hostDir: ".", registry }),
      (err: unknown) => err instanceof UsageError && /is not <slug>:<path>/.test(err.message),
      source,
    );
  }
  for (const path of ["..", "/", "."]) {
    await assert.rejects(
      cpCommand(ctx, { source: `dev-1:${path}`, hostDir: ".", registry }),
      UsageError,
    );
  }
  await assert.rejects(
    cpCommand(ctx, { source: "dev-1:x", hostDir: "missing", registry }),
    /is not a folder/,
  );
  await assert.rejects(
    cpCommand(ctx, { source: "dev-1:nothing-here", hostDir: ".", registry }),
    /cannot read \/home\/agent\/workspace\/nothing-here in dev-1/,
  );
});

Deno.test("cpCommand() keeps nothing of an archive that tries to escape", async () => {
  await using home = await tempBotHome();
  const evil = join(home.paths.root, "evil");
  await Deno.mkdir(join(evil, "loot"), { recursive: true });
  await Deno.symlink(home.paths.root, join(evil, "loot", "up"));
  const docker = new FakeBackend({
    onExec: async (_slug, _argv, options) => {
      // A forged archive: the symlink first, then a file written through it.
      const tar = new Deno.Command("tar", {
        args: [
          "--create",
          "--file=-",
          `--directory=${evil}`,
          "loot/up",
          "--transform=s|^x|loot/up/x|",
          "-C",
          evil,
          "x",
        ],
        stdout: "piped",
        stderr: "null",
      }).spawn();
      await tar.stdout.pipeTo(options.stdout!);
      return (await tar.status).code;
    },
  });
  docker.addRunning("dev-1");
  await Deno.writeTextFile(join(evil, "x"), "pwned\n");
  const out = join(home.paths.root, "out");
  await Deno.mkdir(out);
  const ctx = capturedContext(home.env, { cwd: home.paths.root });
  await assert.rejects(
    cpCommand(ctx, { source: "dev-1:loot", hostDir: out, registry: fakeRegistry(docker) }),
    UnsafeArchiveError,
  );
  assert.deepEqual([...Deno.readDirSync(out)], [], "nothing was kept");
  assert.equal(await Deno.lstat(join(home.paths.root, "x")).catch(() => undefined), undefined);
});

Deno.test("printable() shows control and bidi characters from a bottle as escapes", () => {
  assert.equal(printable("a\x1b]52;c;eA==\x07b\u202e"), "a\\u001b]52;c;eA==\\u0007b\\u202e");
  assert.equal(printable("plain name.txt"), "plain name.txt");
});
