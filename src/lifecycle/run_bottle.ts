/**
 * One bottle from launch to teardown: read the secrets, create the state directory, launch,
 * run the command (unless detached), tear down, keep or delete the state.
 *
 * Ctrl-C and SIGTERM are listened to for the whole run. A handler only records the intent:
 * a launch step in progress is allowed to finish (its own child processes got the signal too),
 * then the bottle is torn down; a running command is ended by stopping its bottle. Either way
 * {@link InterruptedError} is thrown after teardown, and `main.ts` exits 130.
 *
 * While the command runs the sidecar and the agent are watched: a bottle whose sidecar stopped
 * has no egress, and one whose agent stopped has nothing left to run, so it is torn down
 * (workspace saved when it can be, state kept) and the operator told how to resume.
 *
 * Whatever tears the bottle down under a running command then gives up on the command's exec:
 * an engine whose exec outlives its container (gVisor) must not keep the host waiting.
 */
import type { Backend } from "../../backends/mod.ts";
import type { EnvValue } from "../manifest/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { launchBottle } from "../launch/mod.ts";
import { type BottlePlan, resolveSecrets } from "../plan/mod.ts";
import { InterruptedError, type InterruptSource, processInterrupts } from "./interrupt/mod.ts";
import { messageOf } from "../../core/errors/mod.ts";
import { BottleSession, type SessionLog } from "./_session.ts";
import { type BottleMetadata, BottleState } from "./state.ts";
import { terminalTint } from "./_terminal_tint.ts";
import { watchBottle } from "./_bottle_watch.ts";

/** Options of {@link runBottle}. */
export interface RunBottleOptions {
  /** The backend that runs it. */
  backend: Backend;
  /** The bottle's env as declared (values are read now, at launch). */
  env: Readonly<Record<string, EnvValue>>;
  /** What to record in `metadata.json`. */
  metadata: BottleMetadata;
  /** The bot-bottle home. */
  paths: HomePaths;
  /** The host environment. */
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** Asks the operator for a `?prompt` value; must give up when `signal` aborts. */
  askSecret(name: string, signal: AbortSignal): Promise<string>;
  /** Progress, notices and warnings (stderr). */
  log: SessionLog;
  /** Leave the bottle running and return after the launch. */
  detach: boolean;
  /** Attach a terminal to the command. */
  tty: boolean;
  /** The state directory exists already (`resume`): keep it on a failed launch. */
  resume?: boolean;
  /** Writes escape sequences to the terminal (with `tty`; default: this process's stdout). */
  terminal?: (text: string) => void;
  /** Where interruptions come from (the process's signals unless a test says otherwise). */
  interrupts?: InterruptSource;
  /** How often the sidecar and agent are checked while the command runs (default 2 s). */
  sidecarCheckMs?: number;
}

/** How a run ended. */
export interface RunOutcome {
  /** The command's exit code (0 when detached). */
  code: number;
  /** Whether the state directory is still there. */
  kept: boolean;
}

/**
 * Launch a bottle and, unless detached, run its command and tear it down.
 *
 * @param plan The plan.
 * @param options Backend, env, metadata, I/O and flags.
 * @returns The command's exit code and whether the state was kept.
 * @throws {InterruptedError} After teardown, when Ctrl-C or SIGTERM arrived.
 * @throws {ConfigError} When a secret cannot be read, before anything was created.
 * @throws {Error} What the launch threw, after teardown.
 */
export async function runBottle(plan: BottlePlan, options: RunBottleOptions): Promise<RunOutcome> {
  const { backend, log } = options;
  const state = new BottleState(options.paths, plan.slug);
  const session = new BottleSession(backend, {
    slug: plan.slug,
    state,
    log,
    // The agent picks the archive's size: the host keeps no more than the copy-in limit, twice.
    workspace: {
      archive: plan.paths.workspaceArchive,
      maxBytes: 2 * plan.workspaceMaxBytes,
      keep: plan.provider.keep,
    },
  });
  const interrupted = new AbortController();
  const commandGone = new AbortController();
  /** Once the bottle is down its command's exec is given up on, whether it returned or not. */
  const endCommand = (teardown: Promise<void>) =>
    teardown.catch(() => {}).finally(() => commandGone.abort());
  const phase = { commandRunning: false };
  using _listening = (options.interrupts ?? processInterrupts()).listen(() => {
    if (interrupted.signal.aborted) return;
    interrupted.abort();
    log.info(`interrupted; stopping bottle ${plan.slug}`);
    // finish() awaits this same stop and reports it.
    if (phase.commandRunning) endCommand(session.stop());
  });

  const secrets = await resolveSecrets(plan, options.env, {
    hostEnv: options.hostEnv,
    prompt: (name) => options.askSecret(name, interrupted.signal),
  });
  if (interrupted.signal.aborted) throw new InterruptedError();
  if (options.resume === true) await state.write(options.metadata);
  else await state.create(options.metadata);
  await using _lock = await state.hold();

  try {
    await launchBottle(plan, secrets, { backend, progress: (line) => log.info(line) });
  } catch (err) {
    // launchBottle removes what it created before it throws (src/launch). After
    // Ctrl-C a docker step may have been killed after its object existed but before it said so:
    // then the bottle's slug, which this home's state lock makes ours, is swept as well.
    await session.abandon(options.resume !== true, {
      launchCleanedUp: !interrupted.signal.aborted,
    });
    throw interrupted.signal.aborted ? new InterruptedError({ cause: err }) : err;
  }
  if (interrupted.signal.aborted) {
    await session.abandon(options.resume !== true);
    throw new InterruptedError();
  }
  // A resumed bottle has used its preserved state; a clean exit may now delete it.
  if (options.resume === true) await state.unpreserve();
  if (options.detach) return { code: 0, kept: true };

  phase.commandRunning = true;
  let code: number;
  const tint = terminalTint(plan.label, options.metadata.color);
  const terminal = options.tty ? (options.terminal ?? writeStdout) : () => {};
  terminal(tint.enter);
  const lost = { container: false };
  try {
    // Only while the command runs: teardown stops the sidecar on purpose.
    using _watching = watchBottle(backend, plan.slug, {
      intervalMs: options.sidecarCheckMs ?? 2_000,
      onLost: ({ role, lastWords }) => {
        // After Ctrl-C the bottle is being stopped on purpose: its sidecar goes first.
        if (interrupted.signal.aborted) return;
        lost.container = true;
        log.warn(
          role === "sidecar"
            ? `the sidecar of bottle ${plan.slug} stopped` +
              (lastWords === "" ? "" : ` (its last words: ${lastWords})`) +
              "; the agent has no egress left, so the bottle is being torn down"
            : `the agent container of bottle ${plan.slug} stopped; the bottle is being torn down`,
        );
        endCommand(session.halt());
      },
    });
    code = (await backend.exec(plan.slug, plan.command, {
      tty: options.tty,
      signal: commandGone.signal,
    })).code;
  } catch (err) {
    terminal(tint.leave);
    await session.finish(1).catch((stopErr: unknown) => log.warn(messageOf(stopErr)));
    throw err;
  }
  terminal(tint.leave);
  if (interrupted.signal.aborted) code = 130;
  // Whatever the command made of it, a bottle that lost a container keeps its state to resume.
  else if (lost.container && code === 0) code = 1;
  const kept = await session.finish(code);
  if (interrupted.signal.aborted) throw new InterruptedError();
  return { code, kept };
}

function writeStdout(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}
