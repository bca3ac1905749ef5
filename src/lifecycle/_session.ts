/**
 * The end of a bottle's life, run once however many paths reach it (normal exit, failed
 * launch, Ctrl-C while the command runs): stop the backend's objects, then keep or delete the
 * state directory by the rules of SPEC §8. A kept state also keeps the agent's workspace, saved
 * before the bottle goes, so `resume` continues where the agent left off.
 */
import type { Backend } from "../../backends/mod.ts";
import type { BottleState } from "./state.ts";
import { messageOf } from "../../core/errors/mod.ts";
import { saveWorkspace } from "../launch/mod.ts";

/** Where teardown reports what it did. */
export interface SessionLog {
  /** An informational line. */
  info(line: string): void;
  /** A warning line. */
  warn(line: string): void;
}

/** A launched (or launching) bottle's teardown. */
export class BottleSession implements AsyncDisposable {
  readonly #backend: Backend;
  readonly #slug: string;
  readonly #state: BottleState;
  readonly #log: SessionLog;
  readonly #workspace: { archive: string; maxBytes: number; keep?: readonly string[] };
  #stopping: Promise<void> | undefined;
  #halting: Promise<void> | undefined;

  /**
   * @param backend The backend that runs it.
   * @param options Its slug, state, log, and where a kept state saves the workspace (and the
   *   most it may take).
   */
  constructor(
    backend: Backend,
    options: {
      slug: string;
      state: BottleState;
      log: SessionLog;
      workspace: { archive: string; maxBytes: number; keep?: readonly string[] };
    },
  ) {
    this.#backend = backend;
    this.#slug = options.slug;
    this.#state = options.state;
    this.#log = options.log;
    this.#workspace = options.workspace;
  }

  /**
   * Remove the bottle's containers and networks; later calls share the first call's outcome.
   *
   * @throws {Error} What the backend threw, with a hint to run `cleanup`.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#backend.stop(this.#slug).catch((err: unknown) => {
      throw new Error(
        `Cannot tear down bottle "${this.#slug}": ${messageOf(err)}; run bot-bottle cleanup`,
        { cause: err },
      );
    });
    return this.#stopping;
  }

  /**
   * Tear down after a launch that did not complete: stop, then delete the state when this
   * launch created it and nothing preserved it. A teardown failure is a warning here, because
   * the caller rethrows the launch's own error.
   *
   * @param createdState Whether this launch created the state directory (not a resume).
   * @param options `launchCleanedUp`: the launch failed and removed what it had created itself;
   *   nothing is stopped by slug then, since another bottle on the engine may share the slug.
   */
  async abandon(createdState: boolean, options: { launchCleanedUp?: boolean } = {}): Promise<void> {
    try {
      if (options.launchCleanedUp === true) this.#stopping ??= Promise.resolve();
      else await this.stop();
    } catch (err) {
      this.#log.warn(messageOf(err));
      return;
    }
    if (createdState && !await this.#state.preserved()) await this.#state.remove();
  }

  /**
   * Tear down while the command still runs, because the bottle cannot work any more (its sidecar
   * stopped): save the workspace for `resume`, then stop; later calls share the first's outcome.
   * The command ends with its bottle, and {@link finish} then keeps the state.
   *
   * @throws {Error} When the bottle could not be torn down.
   */
  halt(): Promise<void> {
    this.#halting ??= (async () => {
      if (this.#stopping === undefined) await this.#saveWorkspace();
      await this.stop();
    })();
    return this.#halting;
  }

  /**
   * Tear down after the command exited: stop, then delete the state on a clean exit unless it
   * is preserved; otherwise keep it and say how to resume.
   *
   * @param code The command's exit code.
   * @returns Whether the state was kept.
   * @throws {Error} When the bottle could not be torn down (its state is kept).
   */
  async finish(code: number): Promise<boolean> {
    // A halt under way saves the workspace itself; what it threw, stop() throws again below.
    await this.#halting?.catch(() => {});
    const preserved = await this.#state.preserved();
    if ((code !== 0 || preserved) && this.#stopping === undefined) await this.#saveWorkspace();
    await this.stop();
    if (code === 0 && !preserved) {
      await this.#state.remove();
      return false;
    }
    const resume = `resume with: bot-bottle resume ${this.#slug}`;
    this.#log.info(
      code === 0
        ? `state kept in ${this.#state.dir} (preserved); ${resume}`
        : `agent exited with ${code}; state kept in ${this.#state.dir}; ${resume}`,
    );
    return true;
  }

  async #saveWorkspace(): Promise<void> {
    const { archive, maxBytes, keep } = this.#workspace;
    await saveWorkspace(this.#backend, this.#slug, archive, maxBytes, keep).catch(
      (err: unknown) => this.#log.warn(`the workspace was not saved: ${messageOf(err)}`),
    );
  }

  /** Stop the bottle if nothing did yet; later calls are no-ops (their callers reported). */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#stopping !== undefined) return;
    await this.stop().catch((err: unknown) => {
      this.#log.warn(messageOf(err));
    });
  }
}
