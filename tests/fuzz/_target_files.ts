/**
 * The configuration-file fuzz targets, in process: mutated manifests (the fixture home's bottles
 * and agents, loaded through `loadAgent` with their `extends` chains), routes files and provider
 * files. Each must load or be refused with a positioned `ManifestError`; anything else thrown is
 * an untyped error, a case that takes longer than the bound is a hang. A routes file that loads
 * must also survive a write and a read back unchanged, and compile.
 */
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import { ManifestError } from "../../core/errors/mod.ts";
import { compileRoute, parseRoutesFile, stringifyRoutesFile } from "../../core/routes/mod.ts";
import { loadAgent } from "../../src/manifest/mod.ts";
import { parseProviderSpec } from "../../src/providers/mod.ts";
import { mutateLines } from "./_mutate_text.ts";
import { pick, type Random } from "./_random.ts";
import type { Bed, CaseResult, Target } from "./_runner.ts";
import { readSeeds } from "./_seeds.ts";

/** A case slower than this is a hang (a parser that backtracks or loops). */
const BOUND_MS = 5_000;

const FIXTURE = new URL("../fixtures/manifests/basic/", import.meta.url).pathname;
const PROVIDERS = ["images/claude", "images/codex", "images/shell", "contrib/pi"];

/** A refusal must name the file, a line and a column, then the subject. */
function positioned(err: ManifestError, file: string, subject: RegExp): boolean {
  return err.line >= 1 && err.column >= 1 &&
    err.message.startsWith(`${file}:${err.line}:${err.column}: `) &&
    subject.test(err.message.slice(`${file}:${err.line}:${err.column}: `.length));
}

/** Judge one load: `check` runs it and returns `valid` or throws. */
async function judge(
  input: string,
  check: () => Promise<string> | string,
  refusal: (err: ManifestError) => boolean,
): Promise<CaseResult> {
  const bytes = new TextEncoder().encode(input);
  const started = performance.now();
  let result: CaseResult;
  try {
    result = { verdict: "ok", label: await check(), input: bytes };
  } catch (err) {
    result = err instanceof ManifestError && refusal(err)
      ? { verdict: "ok", label: "refused", input: bytes }
      : {
        verdict: "untyped",
        label: err instanceof Error ? err.name : typeof err,
        input: bytes,
        detail: String(err),
      };
  }
  const ms = performance.now() - started;
  if (ms > BOUND_MS) {
    return { verdict: "hang", label: result.label, input: bytes, detail: `${Math.round(ms)} ms` };
  }
  return result;
}

/** Mutated bottles and agents of the fixture home. */
export const manifestsTarget: Target = {
  name: "manifests",
  concurrency: 1,
  async start(): Promise<Bed> {
    const root = await Deno.makeTempDir({ prefix: "bb-fuzz-manifests-" });
    const copy = await new Deno.Command("cp", { args: ["-r", `${FIXTURE}.`, root] }).output();
    if (!copy.success) {
      throw new Error(`cannot copy ${FIXTURE}: ${new TextDecoder().decode(copy.stderr)}`);
    }
    const opts = { home: join(root, "home"), cwd: join(root, "repo") };
    // Which agent reads each file (the agent itself, or one whose bottle chain holds it).
    const files: [string, string][] = [
      ["agents/gitea-helper.md", "gitea-helper"],
      ["agents/reviewer.md", "reviewer"],
      ["bottles/gitea-dev.md", "gitea-helper"],
      ["bottles/claude.md", "reviewer"],
    ];
    const originals = new Map(
      await Promise.all(
        files.map(async ([f]) => [f, await Deno.readTextFile(join(opts.home, f))] as const),
      ),
    );
    return {
      async runCase(_index: number, r: Random): Promise<CaseResult> {
        const [file, agent] = pick(files, r);
        const path = join(opts.home, file);
        const text = mutateLines(originals.get(file)!, r);
        await Deno.writeTextFile(path, text);
        try {
          return await judge(
            text,
            async () => (await loadAgent(agent, opts), "valid"),
            (err) => positioned(err, err.file, /^Cannot load (agent|bottle) "[^"]+": /),
          );
        } finally {
          await Deno.writeTextFile(path, originals.get(file)!);
        }
      },
      [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
    };
  },
};

/** Mutated routes files (seeds/routes). */
export const routesTarget: Target = {
  name: "routes",
  concurrency: 1,
  async start(): Promise<Bed> {
    const seeds = await readSeeds("routes");
    const file = "/fuzz/routes.yaml";
    return {
      runCase(_index: number, r: Random): Promise<CaseResult> {
        const text = mutateLines(pick(seeds, r), r);
        return judge(
          text,
          () => {
            const parsed = parseRoutesFile(text, file);
            parsed.routes.forEach(compileRoute);
            const again = parseRoutesFile(stringifyRoutesFile(parsed), file);
            if (!isDeepStrictEqual(again, parsed)) {
              throw new Error("the routes file did not survive a write and a read back");
            }
            return "valid";
          },
          (err) => positioned(err, file, /^Cannot load routes file: /),
        );
      },
      [Symbol.asyncDispose]: () => Promise.resolve(),
    };
  },
};

/** Mutated provider files (the built-in and contrib `provider.yaml`s). */
export const providersTarget: Target = {
  name: "providers",
  concurrency: 1,
  async start(): Promise<Bed> {
    const root = new URL("../../", import.meta.url);
    const seeds = await Promise.all(
      PROVIDERS.map((dir) => Deno.readTextFile(new URL(`${dir}/provider.yaml`, root))),
    );
    const file = "/fuzz/provider.yaml";
    return {
      runCase(_index: number, r: Random): Promise<CaseResult> {
        const text = mutateLines(pick(seeds, r), r);
        return judge(
          text,
          () => (parseProviderSpec(text, file, "fuzz"), "valid"),
          (err) => positioned(err, file, /^Cannot load provider "fuzz": /),
        );
      },
      [Symbol.asyncDispose]: () => Promise.resolve(),
    };
  },
};
