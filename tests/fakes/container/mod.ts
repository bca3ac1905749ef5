/**
 * The strict fake of Apple's `container` CLI, as tests use it: a folder with the fake's state,
 * configuration and call log, and an executable `bin/container` that runs `main.ts` on it.
 * Hand `cli` to `macosContainerBackend({ cli })`, or put `bin` first on a PATH.
 *
 * @module
 * @example
 * ```ts ignore
 * import { FakeContainerCli } from "./mod.ts";
 * await using fake = await FakeContainerCli.create();
 * console.log(fake.cli, await fake.calls());
 * ```
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeConfig, fakePaths, type FakeState, readState } from "./_state.ts";

export type { FakeConfig, FakeContainer, FakeState } from "./_state.ts";

/** One recorded call. */
export interface FakeCall {
  /** The arguments after `container`. */
  argv: string[];
  /** Names of variables the call got beyond the CLI's own (values are never recorded). */
  envNames: string[];
}

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const CONFIG = join(dirname(MAIN), "..", "..", "..", "deno.json");

/** Where Deno keeps its module cache when `DENO_DIR` is not set (Deno's documented defaults). */
function defaultDenoDir(): string {
  const home = Deno.env.get("HOME") ?? "/";
  if (Deno.build.os === "darwin") return join(home, "Library", "Caches", "deno");
  return join(Deno.env.get("XDG_CACHE_HOME") ?? join(home, ".cache"), "deno");
}

/** A fake `container` CLI with its own engine state. */
export class FakeContainerCli {
  /** The folder holding its state, configuration and log. */
  readonly dir: string;
  /** The executable to run as `container`. */
  readonly cli: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.cli = join(dir, "bin", "container");
  }

  /**
   * Make a fake with an empty engine.
   *
   * @param config How it behaves (default: services running, a non-root agent that reaches
   *   nothing directly, the sidecar's forwarding off).
   * @param images Images the engine has from the start.
   * @returns The fake.
   */
  static async create(
    config: Partial<FakeConfig> = {},
    images: readonly string[] = [],
  ): Promise<FakeContainerCli> {
    const fake = new FakeContainerCli(await Deno.makeTempDir({ prefix: "bb-fake-container-" }));
    await Deno.mkdir(dirname(fake.cli));
    await fake.configure({
      systemRunning: true,
      agentUid: 1000,
      reachable: [],
      sidecarSysctls: {},
      ...config,
    });
    const state: FakeState = {
      networks: {},
      containers: {},
      images: Object.fromEntries(images.map((ref) => [ref, { labels: {} }])),
      subnets: 0,
    };
    await Deno.writeTextFile(fakePaths(fake.dir).state, JSON.stringify(state));
    await Deno.writeTextFile(fakePaths(fake.dir).calls, "");
    // The caller's module cache, whatever HOME the CLI runs with: the fake never downloads.
    const cache = Deno.env.get("DENO_DIR") ?? defaultDenoDir();
    const script = [
      "#!/bin/sh",
      `FAKE_CONTAINER_STATE='${fake.dir}' DENO_DIR='${cache}' \\`,
      `  exec '${Deno.execPath()}' run --quiet --no-lock --cached-only --config '${CONFIG}' \\`,
      `  --allow-read --allow-write --allow-env '${MAIN}' "$@"`,
      "",
    ].join("\n");
    await Deno.writeTextFile(fake.cli, script, { mode: 0o755 });
    return fake;
  }

  /**
   * Change how it behaves from now on.
   *
   * @param config The whole configuration.
   */
  async configure(config: FakeConfig): Promise<void> {
    await Deno.writeTextFile(fakePaths(this.dir).config, JSON.stringify(config));
  }

  /**
   * Every call so far, in order.
   *
   * @returns The calls.
   */
  async calls(): Promise<FakeCall[]> {
    const text = await Deno.readTextFile(fakePaths(this.dir).calls);
    return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
  }

  /**
   * The engine's state now.
   *
   * @returns Networks, containers and images.
   */
  state(): Promise<FakeState> {
    return readState(this.dir);
  }

  /** Remove its folder. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}
