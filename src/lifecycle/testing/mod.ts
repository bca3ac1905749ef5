/**
 * Test support for the lifecycle and the CLI: a backend double that records every call and
 * keeps its "running" bottles in memory, and a temp bot-bottle home removed on dispose. The
 * real Docker path is covered by the e2e suite.
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
import type {
  ActiveBottle,
  Availability,
  Backend,
  BackendName,
  BottlePlan,
  CleanupStep,
  ExecOptions,
  ExecResult,
  LaunchedBottle,
  LaunchSecrets,
  PreparedBottle,
  Progress,
} from "../../../backends/mod.ts";
import { UsageError } from "../../../core/errors/mod.ts";
import { type HomePaths, homePaths } from "../../paths/mod.ts";
import type { BackendRegistry } from "../mod.ts";

/** How a {@link FakeBackend} behaves; every hook is optional. */
export interface FakeBehaviour {
  /** `isAvailable` answers this (default ok). */
  availability?: Availability;
  /** Runs inside `launch` before the bottle counts as running; throw to fail the launch. */
  onLaunch?: (plan: BottlePlan) => Promise<void> | void;
  /** The command's exit code (default 0). */
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

/** A backend double: records calls as `"<method> <slug> [argv…]"` strings. */
export class FakeBackend implements Backend {
  /** The name it answers to. */
  readonly name: BackendName;
  /** Every call, in order. */
  readonly calls: string[] = [];
  /** The secrets each launch received, by slug. */
  readonly secrets = new Map<string, LaunchSecrets>();
  /** The plans launched, by slug. */
  readonly plans = new Map<string, BottlePlan>();
  /** Steps passed to `cleanup`. */
  readonly cleaned: CleanupStep[] = [];
  readonly #running = new Map<string, ActiveBottle>();
  readonly #behaviour: FakeBehaviour;

  /**
   * @param behaviour Hooks and answers.
   * @param name The backend name (default `docker`).
   */
  constructor(behaviour: FakeBehaviour = {}, name: BackendName = "docker") {
    this.#behaviour = behaviour;
    this.name = name;
  }

  /**
   * Pretend a bottle runs (as `enumerateActive` will report it).
   *
   * @param slug Its slug.
   * @param services Its services (default agent and sidecar running).
   */
  addRunning(slug: string, services = ["agent:running", "sidecar:running"]): void {
    this.#running.set(slug, { backend: this.name, slug, label: slug, agent: "dev", services });
  }

  /** {@inheritDoc Backend.isAvailable} */
  isAvailable(): Promise<Availability> {
    return Promise.resolve(this.#behaviour.availability ?? { ok: true, detail: "fake" });
  }

  /** {@inheritDoc Backend.prepare} */
  prepare(plan: BottlePlan): PreparedBottle {
    return {
      backend: this.name,
      steps: [{ title: "run the fake bottle", argv: ["fake", "run", plan.slug, ...plan.command] }],
    };
  }

  /** {@inheritDoc Backend.launch} */
  async launch(
    plan: BottlePlan,
    secrets: LaunchSecrets,
    progress: Progress,
  ): Promise<LaunchedBottle> {
    this.calls.push(`launch ${plan.slug}`);
    this.secrets.set(plan.slug, secrets);
    this.plans.set(plan.slug, plan);
    progress("fake launch");
    await this.#behaviour.onLaunch?.(plan);
    this.addRunning(plan.slug);
    return { slug: plan.slug, created: [plan.slug] };
  }

  /** {@inheritDoc Backend.exec} */
  async exec(slug: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    this.calls.push(`exec ${slug} ${argv.join(" ")}${options.tty ? " (tty)" : ""}`);
    const code = await this.#behaviour.onExec?.(slug, argv, options) ?? 0;
    return { code, stdout: "", stderr: "" };
  }

  /** {@inheritDoc Backend.stop} */
  async stop(slug: string): Promise<void> {
    this.calls.push(`stop ${slug}`);
    await this.#behaviour.onStop?.(slug);
    this.#running.delete(slug);
  }

  /** {@inheritDoc Backend.enumerateActive} */
  enumerateActive(): Promise<ActiveBottle[]> {
    return Promise.resolve([...this.#running.values()]);
  }

  /** {@inheritDoc Backend.cleanupPlan} */
  cleanupPlan(keep: ReadonlySet<string>): Promise<CleanupStep[]> {
    const leftovers = this.#behaviour.leftovers ?? [];
    return Promise.resolve(leftovers.filter((s) => s.slug === undefined || !keep.has(s.slug)));
  }

  /** {@inheritDoc Backend.cleanup} */
  cleanup(steps: readonly CleanupStep[]): Promise<string[]> {
    this.cleaned.push(...steps);
    return Promise.resolve(this.#behaviour.cleanupWarnings ?? []);
  }

  /** {@inheritDoc Backend.commit} */
  commit(slug: string): Promise<string> {
    this.calls.push(`commit ${slug}`);
    return Promise.resolve(`fake/committed-${slug}:1`);
  }

  /** {@inheritDoc Backend.reloadEgress} */
  reloadEgress(slug: string): Promise<void> {
    this.calls.push(`reload ${slug}`);
    return Promise.resolve();
  }

  /** {@inheritDoc Backend.superviseUrl} */
  superviseUrl(): string {
    return "http://fake:9100/mcp";
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
      const walk = async (dir: string, prefix: string) => {
        for await (const entry of Deno.readDir(dir)) {
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
