/**
 * The runner: wires the pure state machine to a terminal, the poller and `src/supervise`. The
 * terminal is restored on every exit path; a crash leaves a stack trace in the logs folder.
 */
import { join } from "node:path";
import type { Backend } from "../../backends/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import {
  approveProposal,
  describeProposal,
  listPending,
  rejectProposal,
} from "../supervise/mod.ts";
import { parseKeys } from "./parse_keys.ts";
import { renderScreen } from "./render_screen.ts";
import { ENTER_SCREEN, LEAVE_SCREEN, type Terminal } from "./terminal.ts";
import type { TuiEffect, TuiEvent, TuiState } from "./types.ts";
import { initialState, short, updateState } from "./update_state.ts";
import { messageOf } from "../../core/errors/mod.ts";

/** Options of {@link runSuperviseTui}. */
export interface SuperviseTuiOptions {
  /** The terminal to draw on. */
  terminal: Terminal;
  /** The operator's name for the audit log. */
  user?: string | undefined;
  /** Milliseconds between listings (default 1000). */
  pollMs?: number;
  /** The backend of a name, to signal the sidecar (tests pass a recorder). */
  backendFor?: (name: string) => Pick<Backend, "reloadEgress">;
}

/**
 * Run the full-screen UI until the operator quits.
 *
 * @param paths The bot-bottle home.
 * @param options The terminal and the decision options.
 * @throws {Error} When the UI crashed; the terminal is restored first and the message names the
 *   crash log under `paths.logs`.
 */
export async function runSuperviseTui(
  paths: HomePaths,
  options: SuperviseTuiOptions,
): Promise<void> {
  const term = options.terminal;
  const finished = Promise.withResolvers<void>();
  const cleanups: Array<() => void> = [];
  const stopped = new AbortController();
  let state: TuiState | undefined;
  let drawnSize = "";

  function draw(current: TuiState): void {
    const size = `${current.size.columns}x${current.size.rows}`;
    const clear = size === drawnSize ? "" : "\x1b[2J";
    drawnSize = size;
    const rows = renderScreen(current).map((row, i) => `\x1b[${i + 1};1H${row}\x1b[K`);
    term.write(`${clear}${rows.join("")}\x1b[0m`);
  }

  function dispatch(event: () => TuiEvent): void {
    try {
      if (state === undefined) return;
      const update = updateState(state, event());
      state = update.state;
      for (const effect of update.effects) perform(effect);
      draw(state);
    } catch (err) {
      finished.reject(err);
    }
  }

  function perform(effect: TuiEffect): void {
    switch (effect.type) {
      case "bell":
        term.write("\x07");
        return;
      case "quit":
        finished.resolve();
        return;
      case "describe": {
        const item = state?.items.find((i) => i.proposal.id === effect.id);
        if (item === undefined) return;
        describeProposal(paths, item).then(
          (detail) => dispatch(() => ({ type: "described", detail })),
          (err) =>
            dispatch(() => ({ type: "describeFailed", id: effect.id, message: messageOf(err) })),
        );
        return;
      }
      case "approve":
      case "reject":
        decide(effect).then(
          (message) => dispatch(() => ({ type: "decided", id: effect.id, message })),
          (err) =>
            dispatch(() => ({ type: "decideFailed", id: effect.id, message: messageOf(err) })),
        );
        return;
    }
  }

  async function decide(effect: Extract<TuiEffect, { type: "approve" | "reject" }>) {
    // Decide on exactly what the operator looked at: the detail shown, else the listed row.
    const shown = state?.detail?.proposal.id === effect.id
      ? state.detail.proposal
      : state?.items.find((item) => item.proposal.id === effect.id)?.proposal;
    const decideOptions = {
      reason: effect.reason,
      user: options.user,
      ...(shown === undefined ? {} : { expected: shown }),
      ...(options.backendFor === undefined ? {} : { backendFor: options.backendFor }),
    };
    const { proposal } = effect.type === "approve"
      ? await approveProposal(paths, effect.id, decideOptions)
      : await rejectProposal(paths, effect.id, decideOptions);
    const verb = effect.type === "approve" ? "approved" : "rejected";
    return `${verb} ${short(proposal.id)} (${proposal.tool}, bottle ${proposal.bottle_slug})`;
  }

  async function poll(): Promise<void> {
    while (!stopped.signal.aborted) {
      await listPending(paths).then(
        (scan) => dispatch(() => ({ type: "listed", scan, now: Date.now() })),
        (err) => dispatch(() => ({ type: "listFailed", message: messageOf(err) })),
      );
      await sleep(options.pollMs ?? 1000, stopped.signal);
    }
  }

  async function read(): Promise<void> {
    for await (const chunk of term.input()) {
      for (const key of parseKeys(chunk)) dispatch(() => ({ type: "key", key }));
    }
    finished.resolve();
  }

  let crash: { error: unknown } | undefined;
  let pollDone: Promise<void> | undefined;
  try {
    term.write(ENTER_SCREEN);
    term.setRaw(true);
    state = initialState(term.size(), Date.now());
    draw(state);
    cleanups.push(term.onResize(() => dispatch(() => ({ type: "resize", size: term.size() }))));
    cleanups.push(term.onStop(() => finished.resolve()));
    pollDone = poll();
    read().catch((err) => finished.reject(err));
    await finished.promise;
  } catch (error) {
    crash = { error };
  } finally {
    state = undefined;
    stopped.abort();
    for (const cleanup of cleanups) attempt(cleanup);
    attempt(() => term.close());
    attempt(() => term.setRaw(false));
    attempt(() => term.write(LEAVE_SCREEN));
  }
  await pollDone?.catch(() => {});
  if (crash !== undefined) {
    const log = await writeCrashLog(paths, crash.error);
    throw new Error(`supervise crashed: ${messageOf(crash.error)} (stack trace in ${log})`, {
      cause: crash.error,
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

async function writeCrashLog(paths: HomePaths, err: unknown): Promise<string> {
  await Deno.mkdir(paths.logs, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const path = join(paths.logs, `supervise-crash-${stamp}.log`);
  const stack = err instanceof Error ? err.stack ?? err.message : String(err);
  await Deno.writeTextFile(path, `${stack}\n`, { mode: 0o600 });
  return path;
}

/** Run a restore step; one failing must not keep the others from running. */
function attempt(step: () => void): void {
  try {
    step();
  } catch {
    // The terminal may already be gone (closed pty); the remaining steps still run.
  }
}
