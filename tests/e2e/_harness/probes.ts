/** Probes run inside a bottle's agent, with their outcome parsed for assertions. */
import { execIn } from "./cli.ts";
import type { RunResult } from "./_docker.ts";
import type { World } from "./world.ts";

/** What curl saw. */
export interface CurlOutcome {
  /** curl's exit code (0 = got a response of any status). */
  exit: number;
  /** HTTP status (0 when there was no response). */
  status: number;
  /** Response body. */
  body: string;
  /** curl's error message and the CLI's own stderr. */
  stderr: string;
}

/** The JSON body egress answers a refusal with. */
export interface BlockBody {
  /** Always `egress_blocked`. */
  error: string;
  /** The rule that refused. */
  rule: string;
  /** Why, in words. */
  reason: string;
}

const STATUS_MARK = "\n__e2e_status__=";
/** curl's `-w` format that {@link parseCurl} understands (for curl run from a script). */
export const CURL_STATUS_FORMAT = `${STATUS_MARK}%{http_code}`;

/**
 * `curl -sS -m 10 <args…>` as the agent (through its proxy environment unless args say
 * otherwise).
 *
 * @param world The world.
 * @param slug The bottle.
 * @param args curl arguments, URL included.
 * @returns Exit code, status, body, stderr.
 */
export async function agentCurl(
  world: World,
  slug: string,
  args: readonly string[],
): Promise<CurlOutcome> {
  const result = await execIn(world, slug, [
    "curl",
    "-sS",
    "-m",
    "10",
    "-w",
    CURL_STATUS_FORMAT,
    ...args,
  ]);
  return parseCurl(result);
}

/**
 * Split curl's output written with {@link CURL_STATUS_FORMAT}.
 *
 * @param result The exec result.
 * @returns The outcome.
 */
export function parseCurl(result: RunResult): CurlOutcome {
  const at = result.stdout.lastIndexOf(STATUS_MARK);
  const status = at < 0 ? 0 : Number(result.stdout.slice(at + STATUS_MARK.length).trim());
  return {
    exit: result.code,
    status: Number.isFinite(status) ? status : 0,
    body: at < 0 ? result.stdout : result.stdout.slice(0, at),
    stderr: result.stderr,
  };
}

/**
 * Parse egress's refusal body.
 *
 * @param body A response body.
 * @returns The refusal, or undefined when the body is not one.
 */
export function blockBody(body: string): BlockBody | undefined {
  try {
    const parsed = JSON.parse(body) as Partial<BlockBody>;
    return parsed.error === "egress_blocked" && typeof parsed.rule === "string"
      ? { error: parsed.error, rule: parsed.rule, reason: String(parsed.reason ?? "") }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param outcome A curl outcome.
 * @returns A compact description for assertion messages.
 */
export function showCurl(outcome: CurlOutcome): string {
  return `curl exit ${outcome.exit}, status ${outcome.status}, body ${
    JSON.stringify(outcome.body.slice(0, 400))
  }, stderr ${JSON.stringify(outcome.stderr.trim().slice(0, 400))}`;
}

/** One command for {@link agentParallel}. */
export interface ParallelCommand {
  /** Program and arguments. */
  argv: readonly string[];
  /** Variables to set for it. */
  env?: Readonly<Record<string, string>>;
  /** Variables to remove for it. */
  unset?: readonly string[];
}

/** What one command of {@link agentParallel} did. */
export interface ParallelOutcome {
  /** Exit code (124 after its 30 s limit). */
  exit: number;
  /** Its stdout. */
  stdout: string;
  /** Its stderr. */
  stderr: string;
}

/** Runs the commands (JSON in argv[1], never a shell string) on threads; prints JSON outcomes. */
const PARALLEL_SCRIPT = `
import json, os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

def run(command):
    env = dict(os.environ)
    for name in command.get("unset", []):
        env.pop(name, None)
    env.update(command.get("env", {}))
    try:
        done = subprocess.run(command["argv"], env=env, capture_output=True, text=True, timeout=30)
        return {"exit": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
    except subprocess.TimeoutExpired:
        return {"exit": 124, "stdout": "", "stderr": "timed out after 30 s"}

commands = json.loads(sys.argv[1])
with ThreadPoolExecutor(max_workers=len(commands)) as pool:
    print(json.dumps(list(pool.map(run, commands))))
`;

/**
 * Run several commands as the agent at the same time (probes that wait on timeouts cost the
 * longest one, not the sum).
 *
 * @param world The world.
 * @param slug The bottle.
 * @param commands The commands.
 * @returns One outcome per command, in order.
 * @throws {Error} When the runner itself fails.
 */
export async function agentParallel(
  world: World,
  slug: string,
  commands: readonly ParallelCommand[],
): Promise<ParallelOutcome[]> {
  const result = await execIn(world, slug, [
    "python3",
    "-c",
    PARALLEL_SCRIPT,
    JSON.stringify(commands),
  ]);
  try {
    return JSON.parse(result.stdout) as ParallelOutcome[];
  } catch (err) {
    throw new Error(`parallel probes failed (exit ${result.code}): ${result.stderr}`, {
      cause: err,
    });
  }
}
