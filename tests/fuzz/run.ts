// deno-lint-ignore-file no-console -- the fuzz task prints its report
/**
 * `deno task fuzz [TARGET…] [--cases N] [--seed S] [--case I]…`: run fuzz targets and print what
 * they found. Targets: manifests, routes, providers, http, tls, mcp, git (default: all, each at
 * its own case count). `--case` replays single cases of a failed run (with its `--seed`). Failing
 * inputs are saved under `tests/fuzz/failures/`. Exits 1 when any case failed.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { formatReport, runFuzz } from "./_runner.ts";
import { TARGETS } from "./_targets.ts";

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      cases: { type: "string" },
      seed: { type: "string" },
      case: { type: "string", multiple: true },
    },
  });
  const names = positionals.length > 0 ? positionals : Object.keys(TARGETS);
  const unknown = names.filter((name) => TARGETS[name] === undefined);
  if (unknown.length > 0) {
    console.error(`unknown target "${unknown[0]}" (known: ${Object.keys(TARGETS).join(", ")})`);
    return 2;
  }
  const seed = values.seed === undefined
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(values.seed);
  const only = values.case?.map(Number);
  let failed = false;
  for (const name of names) {
    const entry = TARGETS[name]!;
    console.log(`${name}: seed ${seed}`);
    const report = await runFuzz(entry.target, {
      seed,
      cases: values.cases === undefined ? entry.cases : Number(values.cases),
      ...(only === undefined ? {} : { only }),
      failuresDir: new URL("./failures/", import.meta.url).pathname,
    });
    console.log(formatReport(report));
    if (report.failures.length > 0) failed = true;
  }
  return failed ? 1 : 0;
}

Deno.exit(await main(Deno.args));
