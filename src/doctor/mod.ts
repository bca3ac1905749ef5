/**
 * Host checks behind `bot-bottle doctor` (SPEC §4). Each check returns data — a status, a name
 * and a detail — and the CLI prints them; the exit code is 0 only when the default backend can
 * run bottles on this host.
 *
 * @module
 * @example
 * ```ts
 * import { runDoctor } from "./mod.ts";
 * const report = await runDoctor({ env: Deno.env.toObject(), os: Deno.build.os });
 * for (const check of report.checks) console.log(`${check.status}: ${check.name}: ${check.detail}`);
 * ```
 */
import { statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { homePaths } from "../paths/mod.ts";
import {
  BACKEND_NAMES,
  type BackendName,
  type HostCheck,
  type RuntimeRequest,
  shippedBackends,
} from "../../backends/mod.ts";
import { ConfigError } from "../../core/errors/mod.ts";
import { runtimeSetting } from "../plan/mod.ts";
import { baseImages } from "./_base_images.ts";
import { checkProviders } from "./_providers.ts";
import { runProgram } from "./_run.ts";

/** Everything `runDoctor` found. */
export interface DoctorReport {
  /** Every check, in the order it should be printed. */
  checks: HostCheck[];
  /** The backend `start` would use without `--backend`. */
  defaultBackend: BackendName;
  /** Whether the default backend can run bottles here. */
  defaultBackendUsable: boolean;
}

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** The environment (PATH decides which programs are found). */
  env: Record<string, string | undefined>;
  /** The host OS, as in `Deno.build.os`. */
  os: string;
  /** Timeout for each probed program; default 10 s. */
  timeoutMs?: number;
}

const MIN_FREE_GIB = 5;

/**
 * Run every host check.
 *
 * @param options Environment and OS.
 * @returns The report; never throws for a failed check.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const run = (argv: readonly [string, ...string[]]) =>
    runProgram(argv, { env: options.env, timeoutMs: options.timeoutMs ?? 10_000 });
  const checks: HostCheck[] = [];
  const usable = new Map<BackendName, boolean>();
  const bases = await baseImages(options.env);
  if (bases.problem !== undefined) checks.push(bases.problem);

  let runtime: RuntimeRequest = "auto";
  try {
    runtime = runtimeSetting(options.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push({ status: "fail", name: "BOT_BOTTLE_RUNTIME", detail: err.message });
  }
  const shipped = shippedBackends(options.os);
  for (const backend of shipped) {
    const engine = await backend.checks(run, { os: options.os, baseImages: bases.images, runtime });
    checks.push(...engine.checks);
    usable.set(backend.name, engine.usable && bases.problem === undefined);
  }
  checks.push(
    await checkProgram(run, "git", ["git", "--version"], {
      missing: "fail",
      fix: installFix(options.os, "git", "git"),
    }),
  );
  checks.push(
    await checkProgram(run, "ssh", ["ssh", "-V"], {
      missing: "warn",
      fix: `the git gate pushes over SSH; ${installFix(options.os, "ssh", "openssh-client")}`,
    }),
  );
  checks.push(...await checkHome(options.env));
  checks.push(...await checkProviders(homePaths(options.env).contrib));

  const requested = options.env.BOT_BOTTLE_BACKEND;
  // A macOS backend becomes the default only once this version ships it.
  const ships = (name: BackendName) => shipped.some((backend) => backend.name === name);
  const defaultBackend = isBackend(requested)
    ? requested
    : options.os === "darwin" && ships("macos-container") &&
        usable.get("macos-container") === true
    ? "macos-container"
    : "docker";
  if (requested !== undefined && requested !== "" && !isBackend(requested)) {
    checks.push({
      status: "fail",
      name: "BOT_BOTTLE_BACKEND",
      detail: `unknown backend "${requested}" (expected one of ${BACKEND_NAMES.join(", ")})`,
    });
  }
  const defaultBackendUsable = ships(defaultBackend) && usable.get(defaultBackend) === true &&
    !checks.some((check) => check.status === "fail" && check.name === "BOT_BOTTLE_BACKEND");
  checks.push({
    status: defaultBackendUsable ? "ok" : "fail",
    name: "default backend",
    detail: defaultBackendUsable
      ? `${defaultBackend} can run bottles`
      : !ships(defaultBackend)
      ? `${defaultBackend} is not yet available in this version of bot-bottle; unset ` +
        "BOT_BOTTLE_BACKEND to use docker"
      : `${defaultBackend} cannot run bottles here (see the checks above)`,
  });
  return { checks, defaultBackend, defaultBackendUsable };
}

type Run = (argv: readonly [string, ...string[]]) => ReturnType<typeof runProgram>;

function isBackend(value: string | undefined): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value ?? "");
}

async function checkProgram(
  run: Run,
  name: string,
  argv: readonly [string, ...string[]],
  options: { missing: "warn" | "fail"; fix: string },
): Promise<HostCheck> {
  const { missing, fix } = options;
  const result = await run(argv);
  if (!result.started) {
    return { status: missing, name, detail: `${argv[0]} not found on PATH; ${fix}` };
  }
  const version = `${result.stdout}${result.stderr}`.trim().split("\n")[0] ?? "";
  if (result.code !== 0) {
    return { status: missing, name, detail: `${argv.join(" ")} failed; ${fix}` };
  }
  return { status: "ok", name, detail: version };
}

/** How to install a program that macOS ships with its command line tools. */
function installFix(os: string, program: string, debianPackage: string): string {
  return os === "darwin"
    ? `install ${program}: xcode-select --install`
    : `install ${program} (Debian, Ubuntu: sudo apt-get install ${debianPackage})`;
}

async function checkHome(env: Record<string, string | undefined>): Promise<HostCheck[]> {
  const root = homePaths(env).root;
  const checks: HostCheck[] = [];
  let probe = root;
  try {
    const stat = await Deno.stat(root);
    checks.push(
      stat.isDirectory
        ? { status: "ok", name: "config dir", detail: root }
        : { status: "fail", name: "config dir", detail: `${root} exists but is not a directory` },
    );
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    checks.push({
      status: "warn",
      name: "config dir",
      detail:
        `${root} does not exist yet (install.sh creates it, or: mkdir -p ${root}/bottles ${root}/agents)`,
    });
    probe = await nearestExisting(root);
  }
  const fs = await statfs(probe);
  const freeGiB = (fs.bavail * fs.bsize) / 2 ** 30;
  checks.push({
    status: freeGiB >= MIN_FREE_GIB ? "ok" : "warn",
    name: "disk space",
    detail: `${freeGiB.toFixed(1)} GiB free at ${probe}${
      freeGiB >= MIN_FREE_GIB ? "" : ` (images need about ${MIN_FREE_GIB} GiB)`
    }`,
  });
  return checks;
}

async function nearestExisting(path: string): Promise<string> {
  let current = path;
  while (true) {
    try {
      await Deno.stat(current);
      return current;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      const parent = dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}
