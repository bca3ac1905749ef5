/**
 * The fake `container` engine's state, kept in a folder so each invocation (a separate process)
 * sees what the last one did: networks, containers, images, and the fake's configuration. Calls
 * that change state hold an exclusive lock on the folder's lock file and replace the state file
 * whole, so calls that only read it need no lock.
 */
import { join } from "node:path";

/** A network the fake holds. */
export interface FakeNetwork {
  /** `hostOnly` (from `--internal`) or `nat`. */
  mode: "hostOnly" | "nat";
  /** Its labels. */
  labels: Record<string, string>;
  /** Its IPv4 subnet, e.g. `192.168.70.0/24`. */
  subnet: string;
  /** The host's address on it (`.1`). */
  gateway: string;
  /** The next host number to hand out. */
  next: number;
}

/** A container the fake holds. */
export interface FakeContainer {
  /** Its labels. */
  labels: Record<string, string>;
  /** The image reference. */
  image: string;
  /** `running` or `stopped`. */
  status: string;
  /** Its attachments, in `--network` order. */
  networks: { network: string; ipv4Address: string; ipv4Gateway: string }[];
  /** Its environment as the CLI resolved it (bare names from the CLI's own environment). */
  env: Record<string, string>;
  /** Whole CPUs. */
  cpus: number;
  /** Memory in bytes. */
  memoryInBytes: number;
  /** The process user, if given. */
  user?: string;
  /** Mounts, as given. */
  mounts: string[];
  /** Signals it received through `kill`. */
  signals: string[];
}

/** How the fake behaves (written by the test, read by every call). */
export interface FakeConfig {
  /** Whether `system status` reports the services running. */
  systemRunning: boolean;
  /** The uid the agent's `id -u` prints. */
  agentUid: number;
  /** Self-test targets the agent reaches directly (a weaker isolation). */
  reachable: string[];
  /** Kernel settings the sidecar's `/proc/sys` shows (default: forwarding off). */
  sidecarSysctls: Record<string, string>;
}

/** Everything the fake engine holds. */
export interface FakeState {
  /** Networks by name. */
  networks: Record<string, FakeNetwork>;
  /** Containers by name. */
  containers: Record<string, FakeContainer>;
  /** Images by reference, with their labels. */
  images: Record<string, { labels: Record<string, string> }>;
  /** Subnets handed out so far. */
  subnets: number;
}

/** The files of a fake's folder. */
export function fakePaths(dir: string) {
  return {
    state: join(dir, "state.json"),
    config: join(dir, "config.json"),
    calls: join(dir, "calls.jsonl"),
    lock: join(dir, "lock"),
  };
}

/**
 * The state, empty when none was written yet.
 *
 * @param dir The fake's folder.
 * @returns The state.
 */
export async function readState(dir: string): Promise<FakeState> {
  try {
    return JSON.parse(await Deno.readTextFile(fakePaths(dir).state)) as FakeState;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    return { networks: {}, containers: {}, images: {}, subnets: 0 };
  }
}

/**
 * The configuration the test wrote.
 *
 * @param dir The fake's folder.
 * @returns The configuration.
 */
export async function readConfig(dir: string): Promise<FakeConfig> {
  return JSON.parse(await Deno.readTextFile(fakePaths(dir).config)) as FakeConfig;
}

/**
 * Run `change` on the state under the folder's lock and save what it leaves.
 *
 * @param dir The fake's folder.
 * @param change Mutates the state; its result is returned.
 * @returns What `change` returned.
 */
export async function withState<T>(
  dir: string,
  change: (state: FakeState) => T | Promise<T>,
): Promise<T> {
  const lock = await Deno.open(fakePaths(dir).lock, { create: true, write: true });
  try {
    await lock.lock(true);
    const state = await readState(dir);
    const result = await change(state);
    // Write then rename: a reader without the lock (exec) sees the old state or the new, whole.
    const next = `${fakePaths(dir).state}.${Deno.pid}`;
    await Deno.writeTextFile(next, JSON.stringify(state));
    await Deno.rename(next, fakePaths(dir).state);
    return result;
  } finally {
    lock.close();
  }
}
