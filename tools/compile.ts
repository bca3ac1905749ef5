/**
 * `deno task compile`: build the single `bot-bottle` binary for every release target, with
 * SHA-256 sums (SPEC §9). Runs in the release workflow, where `deno compile` can download its
 * `denort` runtimes. The binary carries what it builds images from: the Dockerfiles under
 * `images/` and the sidecar bundled into `dist/sidecar.js` first (src/images reads both from the
 * binary, since a compiled binary has no sources to bundle).
 *
 * `deno task compile:smoke`: our build machines cannot download `denort`, so this compiles the
 * same entry point with the same permission set and the same embedded files against the local
 * `deno` binary (DENORT_BIN). That proves the module graph (lazy imports included) and the sidecar
 * bundle build; the output is not a working bot-bottle and is deleted.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { bundleSidecar } from "../src/images/mod.ts";
import { BODY_RUNTIME_FLAGS } from "../core/sidecar_contract/mod.ts";

const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
] as const;

const ROOT = new URL("..", import.meta.url).pathname;
/** Embedded in the binary, at the paths src/images resolves from its own `import.meta.url`. */
const INCLUDES = ["images/", "dist/sidecar.js"] as const;

/**
 * The CLI's command files (`src/cli/*.ts` without `_` or `_test`): src/cli loads each by a
 * computed specifier, to keep start-up fast, so compile cannot find them on its own.
 */
export async function commandFiles(root: string = ROOT): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(join(root, "src", "cli"))) {
    const { name } = entry;
    if (
      entry.isFile && name.endsWith(".ts") && !name.startsWith("_") && !name.endsWith("_test.ts")
    ) {
      names.push(join("src", "cli", name));
    }
  }
  return names.sort();
}

async function compile(target: string | undefined, output: string, env: Record<string, string>) {
  // The binary runs `egress serve` and the sidecar's daemons itself: their V8 flags are baked in,
  // and `--unstable-net` for `egress serve --reuse-port` (`Deno.listen`'s `reusePort`).
  const args = [
    "compile",
    "-q",
    "-P=cli",
    ...BODY_RUNTIME_FLAGS,
    "--unstable-net",
    "--output",
    output,
  ];
  for (const include of [...INCLUDES, ...await commandFiles()]) args.push("--include", include);
  if (target !== undefined) args.push("--target", target);
  args.push(join(ROOT, "main.ts"));
  const status = await new Deno.Command(Deno.execPath(), { args, env, cwd: ROOT }).spawn().status;
  if (!status.success) throw new Error(`deno ${args.join(" ")} failed with code ${status.code}`);
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

/** Bundle the sidecar where the binary expects it (`dist/` is ignored by git, fmt and lint). */
async function bundle(): Promise<number> {
  const output = join(ROOT, "dist", "sidecar.js");
  await Deno.mkdir(join(ROOT, "dist"), { recursive: true });
  await bundleSidecar(output, { root: ROOT });
  return (await Deno.stat(output)).size;
}

async function smoke(): Promise<void> {
  const bundled = await bundle();
  const dir = await Deno.makeTempDir({ prefix: "bot-bottle-compile-" });
  try {
    const output = join(dir, "bot-bottle");
    await compile(undefined, output, { DENORT_BIN: Deno.execPath() });
    const size = (await Deno.stat(output)).size;
    // deno-lint-ignore no-console
    console.log(
      `compile smoke ok: main.ts with -P=cli, the CLI's commands and ${
        INCLUDES.join(", ")
      } compiled (${(size / 2 ** 20).toFixed(0)} MiB; sidecar bundle ${
        (bundled / 2 ** 20).toFixed(1)
      } MiB)`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function release(): Promise<void> {
  const dist = join(ROOT, "dist");
  await bundle();
  const sums: string[] = [];
  for (const target of TARGETS) {
    const name = `bot-bottle-${target}`;
    await compile(target, join(dist, name), {});
    sums.push(`${await sha256(join(dist, name))}  ${name}`);
  }
  await Deno.writeTextFile(join(dist, "SHA256SUMS"), `${sums.join("\n")}\n`);
}

if (import.meta.main) await (Deno.args.includes("--smoke") ? smoke() : release());
