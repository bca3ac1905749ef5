/**
 * Test support for the lifecycle and the CLI: a backend double on the memory backend (bottles
 * launch through the real shared launch, against an engine in memory, with an agent that behaves
 * like a real one) that records the calls a test cares about, and a temp bot-bottle home removed
 * on dispose. The real Docker path is covered by the parity matrix and the e2e suite.
 *
 * @module
 * @example
 * ```ts
 * import { FakeBackend, fakeRegistry } from "./mod.ts";
 * const backend = new FakeBackend();
 * const registry = fakeRegistry(backend);
 * console.assert(registry.byName("docker") === backend);
 * await backend.stop("dev-1");
 * console.assert(backend.calls.join() === "stop dev-1");
 * ```
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AgentSpec,
  type Availability,
  type Backend,
  type BackendName,
  type BottleRef,
  type CleanupStep,
  type ExecOptions,
  type LaunchStep,
  type SidecarEndpoint,
} from "../../../backends/mod.ts";
import { MemoryBackend } from "../../../backends/memory/mod.ts";
import { UsageError } from "../../../core/errors/mod.ts";
import { simulatedAgent } from "../../launch/testing/mod.ts";
import { type HomePaths, homePaths } from "../../paths/mod.ts";
import type { BackendRegistry, BottleMetadata } from "../mod.ts";

/** How a {@link FakeBackend} behaves; every hook is optional. */
export interface FakeBehaviour {
  /** `isAvailable` answers this (default ok). */
  availability?: Availability;
  /** Runs when the agent is about to start (networks and sidecar exist); throw to fail it. */
  onLaunch?: () => Promise<void> | void;
  /** The command's exit code (default 0); provisioning and the self-test never reach it. */
  onExec?: (
    slug: string,
    argv: readonly string[],
    options: ExecOptions,
  ) => Promise<number> | number;
  /** Runs inside `stop`; throw to fail the teardown. */
  onStop?: (slug: string) => Promise<void> | void;
  /** Leftover objects `cleanupPlan` reports (filtered by `keep`). */
  leftovers?: CleanupStep[];
  /** Warnings `cleanup` returns. */
  cleanupWarnings?: string[];
}

/**
 * A memory backend that records `launch <slug>`, `exec <slug> <argv…>[ (tty)]`, `stop <slug>`,
 * `commit <slug>` and `reload <slug>`: what a user of the lifecycle would see happen.
 */
export class FakeBackend extends MemoryBackend {
  /** The calls, in order. */
  readonly calls: string[];
  /** The bottles launched, with the agent spec each got. */
  readonly launched: { bottle: BottleRef; agent: AgentSpec }[] = [];
  /** Steps passed to `cleanup`. */
  readonly cleaned: CleanupStep[] = [];
  /** The workspace tar streams copied into bottles, by slug. */
  readonly workspaces: Map<string, Uint8Array>;
  readonly #behaviour: FakeBehaviour;

  /**
   * @param behaviour Hooks and answers.
   * @param name The backend name (default `docker`).
   */
  constructor(behaviour: FakeBehaviour = {}, name: BackendName = "docker") {
    const calls: string[] = [];
    const workspaces = new Map<string, Uint8Array>();
    super({
      name,
      ...(behaviour.availability === undefined ? {} : { availability: behaviour.availability }),
      agent: simulatedAgent({
        workspace: (slug, tar) => workspaces.set(slug, tar),
        command: (slug, argv, options) => {
          calls.push(`exec ${slug} ${argv.join(" ")}${options.tty ? " (tty)" : ""}`);
          return behaviour.onExec?.(slug, argv, options) ?? 0;
        },
      }),
      fault: async (primitive, slug) => {
        if (primitive === "startAgent") {
          calls.push(`launch ${slug}`);
          await behaviour.onLaunch?.();
        } else if (primitive === "stop") {
          calls.push(`stop ${slug}`);
          await behaviour.onStop?.(slug);
        } else if (primitive === "commit" || primitive === "reloadEgress") {
          calls.push(`${primitive === "commit" ? "commit" : "reload"} ${slug}`);
        }
      },
    });
    this.calls = calls;
    this.workspaces = workspaces;
    this.#behaviour = behaviour;
  }

  /**
   * Pretend a bottle runs (as `enumerateActive` will report it).
   *
   * @param slug Its slug.
   * @param services Its services (default agent and sidecar running).
   */
  addRunning(slug: string, services = ["agent:running", "sidecar:running"]): void {
    this.addBottle(
      { slug, label: slug, agent: "dev" },
      services.map((service) => {
        const [role, state = ""] = service.split(":");
        if (role !== "agent" && role !== "sidecar") throw new TypeError(`no role "${role}"`);
        return { role, state };
      }),
    );
  }

  /** {@inheritDoc Backend.startAgent} */
  override async startAgent(
    step: LaunchStep,
    spec: AgentSpec,
    options: { sidecar: SidecarEndpoint; secrets: Readonly<Record<string, string>> },
  ): Promise<void> {
    await super.startAgent(step, spec, options);
    this.launched.push({ bottle: step.bottle, agent: spec });
  }

  /** The leftovers the test declared, minus those of kept bottles. */
  override cleanupPlan(keep: ReadonlySet<string>): Promise<CleanupStep[]> {
    return Promise.resolve(
      (this.#behaviour.leftovers ?? []).filter((s) => s.slug === undefined || !keep.has(s.slug)),
    );
  }

  /** Records the steps and answers the declared warnings. */
  override cleanup(steps: readonly CleanupStep[]): Promise<string[]> {
    this.cleaned.push(...steps);
    return Promise.resolve(this.#behaviour.cleanupWarnings ?? []);
  }
}

/**
 * A registry of doubles.
 *
 * @param backends The doubles, in preference order.
 * @returns A registry whose `byName` knows only them.
 */
export function fakeRegistry(...backends: Backend[]): BackendRegistry {
  return {
    shipped: backends,
    byName(name) {
      const found = backends.find((b) => b.name === name);
      if (found === undefined) throw new UsageError(`unknown backend "${name}"`);
      return found;
    },
  };
}

/** Where test homes keep their build cache (the sidecar bundle), shared across test runs. */
const SHARED_CACHE = join(tmpdir(), "bot-bottle-test-cache");

/** A temp bot-bottle home, removed on dispose. */
export interface TempBotHome extends AsyncDisposable {
  /** Its layout. */
  paths: HomePaths;
  /** An environment pointing at it (`BOT_BOTTLE_HOME`, `NO_COLOR`). */
  env: Record<string, string>;
  /** Write a file under the home; returns its path. */
  write(relative: string, text: string): Promise<string>;
  /** Every path under the home, relative, sorted. */
  tree(): Promise<string[]>;
}

/**
 * Make a temp bot-bottle home.
 *
 * @returns The home.
 */
export async function tempBotHome(): Promise<TempBotHome> {
  const root = await Deno.makeTempDir({ prefix: "bb-lifecycle-" });
  const paths = homePaths({ BOT_BOTTLE_HOME: root });
  // Every test bottle builds the same sidecar bundle: one cache for all of them.
  await Deno.mkdir(SHARED_CACHE, { recursive: true });
  await Deno.symlink(SHARED_CACHE, join(root, "cache"));
  return {
    paths,
    env: { BOT_BOTTLE_HOME: root, NO_COLOR: "1" },
    async write(relative, text) {
      const path = `${root}/${relative}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(path, text);
      return path;
    },
    async tree() {
      const found: string[] = [];
      // The shared build cache is not the home's own state.
      const walk = async (dir: string, prefix: string) => {
        for await (const entry of Deno.readDir(dir)) {
          if (prefix === "" && entry.name === "cache") continue;
          found.push(`${prefix}${entry.name}`);
          if (entry.isDirectory) await walk(`${dir}/${entry.name}`, `${prefix}${entry.name}/`);
        }
      };
      await walk(root, "");
      return found.sort();
    },
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

/**
 * The metadata of a bottle on the docker backend, as a launch records it.
 *
 * @param slug The bottle's slug (also its label unless overridden).
 * @param overrides Fields that differ.
 * @returns The metadata.
 */
export function testMetadata(
  slug: string,
  overrides: Partial<BottleMetadata> = {},
): BottleMetadata {
  return {
    slug,
    agent: "demo",
    bottle: "demo",
    backend: "docker",
    label: slug,
    cwd: "/repo",
    started_at: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}
