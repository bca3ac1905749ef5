/**
 * `bot-bottle start [agent] [-- <cmd…>]`: pick an agent and a backend, print the preflight,
 * ask y/N, launch, run the agent's command attached, tear down (SPEC §4). `--dry-run` prints the
 * plan and the backend's steps without side effects; `--detach` leaves the bottle running and
 * prints its slug alone on stdout.
 */
import { resolve } from "node:path";
import { ConfigError, UsageError } from "../../core/errors/mod.ts";
import {
  agentChoices,
  type BackendRegistry,
  BOTTLE_COLORS,
  type BottleMetadata,
  chooseBackend,
  chooseSlug,
  defaultRegistry,
  type InterruptSource,
  metadataFor,
  planBottle,
  resolveAgent,
  runBottle,
  takenSlugs,
} from "../lifecycle/mod.ts";
import type { ResolvedAgent } from "../manifest/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { measureWorkspace, refuseGitCredentials } from "../launch/mod.ts";
import type { BottlePlan } from "../plan/mod.ts";
import type { Backend } from "../../backends/mod.ts";
import { type CliContext, println, warn } from "./_context.ts";
import { askSecret, confirmYesNo, pickAgent, pickBackend } from "./_pickers.ts";
import { preflightText, stepsText } from "./_preflight.ts";

/** Options of `start`. */
export interface StartOptions {
  /** The agent's name; without it a picker asks (terminal only). */
  agent?: string;
  /** `--backend`. */
  backend?: string;
  /** `--label`. */
  label?: string;
  /** `--color`. */
  color?: string;
  /** `--yes`: skip the y/N question. */
  yes: boolean;
  /** `--dry-run`: print the plan and exit. */
  dryRun: boolean;
  /** `--detach`: leave the bottle running. */
  detach: boolean;
  /** `-- <cmd…>`: run this instead of the provider's default command. */
  command?: readonly string[];
  /** `--cwd DIR` (copied into the workspace instead of the current folder) or `--no-cwd`. */
  workspace?: string | false;
  /** The backends (tests pass doubles). */
  registry?: BackendRegistry;
  /** Where Ctrl-C comes from (tests fire it by hand). */
  interrupts?: InterruptSource;
}

/**
 * Start a bottle.
 *
 * @param ctx The CLI context.
 * @param options Flags and the agent.
 * @returns The command's exit code (0 after `--dry-run` or `--detach`, 1 when declined).
 * @throws {UsageError} For bad flags, or a question with no terminal to ask it.
 * @throws {InterruptedError} After teardown, on Ctrl-C.
 */
export async function startCommand(ctx: CliContext, options: StartOptions): Promise<number> {
  if (options.agent === undefined && !ctx.stdinIsTty) {
    throw new UsageError("no agent given and no terminal to pick one: bot-bottle start <agent>");
  }
  if (options.agent === undefined && options.dryRun) {
    throw new UsageError("--dry-run asks nothing, so it needs an agent: bot-bottle start <agent>");
  }
  if (!options.dryRun && !options.yes && !ctx.stdinIsTty) {
    throw new UsageError(
      "no terminal to confirm the start: pass --yes (or --dry-run to only print the plan)",
    );
  }
  const color = checkColor(options.color);
  const paths = homePaths(ctx.env);
  const loadOptions = {
    home: paths.root,
    cwd: ctx.cwd,
    ...(ctx.env.HOME === undefined ? {} : { userHome: ctx.env.HOME }),
  };
  const name = options.agent ?? await pickFrom(ctx, await agentChoices(loadOptions));
  const agent = await resolveAgent(name, loadOptions);
  const registry = options.registry ?? defaultRegistry();
  const requested = options.backend ?? ctx.env.BOT_BOTTLE_BACKEND;
  // Independent engine round trips: the backend to use, and the slugs every backend has taken.
  const [chosen, active] = await Promise.all([
    chooseBackend(registry, {
      ...(requested === undefined ? {} : { requested }),
      ...(ctx.stdinIsTty && !options.dryRun ? { pick: pickBackend } : {}),
      allowUnavailable: options.dryRun,
    }),
    takenSlugs(registry),
  ]);
  for (const line of chosen.warnings) warn(ctx, line);
  const { slug, label } = await chooseSlug(agent.name, {
    paths,
    active,
    ...(options.label === undefined ? {} : { label: options.label }),
  });
  const workspace = await workspaceFolder(ctx, options.workspace);
  const { plan, prepared } = planBottle(agent, {
    backend: chosen.backend,
    slug,
    label,
    cwd: ctx.cwd,
    ...(workspace === undefined ? {} : { workspace }),
    paths,
    hostEnv: ctx.env,
    ...(options.command === undefined ? {} : { command: options.command }),
    ...(color === undefined ? {} : { color }),
  });
  // Before any question: a folder too large to copy changes nothing.
  if (plan.workspace !== undefined) {
    await measureWorkspace(plan.workspace, plan.workspaceMaxBytes);
    await refuseGitCredentials(plan.workspace);
  }
  if (options.dryRun) {
    warnAbout(ctx, agent);
    const engine = {
      backend: chosen.backend.name,
      isolation: await isolationOf(chosen.backend, plan),
    };
    ctx.stdout.write(`${preflightText(agent, plan, engine)}\n${stepsText(prepared)}`);
    return 0;
  }
  const metadata = metadataFor(plan, {
    backend: chosen.backend,
    ...(color === undefined ? {} : { color }),
  });
  return await confirmAndRun(ctx, {
    agent,
    plan,
    backend: chosen.backend,
    metadata,
    yes: options.yes,
    detach: options.detach,
    resume: false,
    ...(options.interrupts === undefined ? {} : { interrupts: options.interrupts }),
  });
}

/**
 * The folder copied into the workspace: `--cwd DIR` (relative to the current folder), none with
 * `--no-cwd`, else the current folder.
 *
 * @throws {UsageError} When the folder does not exist or is not a directory, or is `/` or the
 *   user's home.
 */
async function workspaceFolder(
  ctx: CliContext,
  option: string | false | undefined,
): Promise<string | undefined> {
  if (option === false) return undefined;
  const dir = option === undefined ? ctx.cwd : resolve(ctx.cwd, option);
  const info = await Deno.stat(dir).catch(() => undefined);
  if (info?.isDirectory !== true) {
    throw new UsageError(`--cwd ${dir}: not a directory`);
  }
  // Your home holds your own credentials (~/.ssh, ~/.aws, …): never the agent's to read.
  if (dir === "/" || (ctx.env.HOME !== undefined && resolve(ctx.env.HOME) === resolve(dir))) {
    throw new UsageError(
      `${dir} would be copied into the bottle whole, with your own credentials in it: start ` +
        "from a project folder, pass --cwd DIR, or --no-cwd",
    );
  }
  return dir;
}

/** What {@link confirmAndRun} needs. */
export interface ConfirmAndRunOptions {
  /** The resolved agent. */
  agent: ResolvedAgent;
  /** The plan. */
  plan: BottlePlan;
  /** The backend. */
  backend: Backend;
  /** The metadata to record. */
  metadata: BottleMetadata;
  /** Skip the question. */
  yes: boolean;
  /** Leave the bottle running. */
  detach: boolean;
  /** Relaunch a kept state (`resume`). */
  resume: boolean;
  /** Where Ctrl-C comes from. */
  interrupts?: InterruptSource;
}

/**
 * Print the preflight and warnings, ask y/N, then launch and run (shared with `resume`).
 *
 * @param ctx The CLI context.
 * @param options The agent, plan, backend and flags.
 * @returns The command's exit code (0 when detached, 1 when declined).
 */
export async function confirmAndRun(
  ctx: CliContext,
  options: ConfirmAndRunOptions,
): Promise<number> {
  const { plan } = options;
  warnAbout(ctx, options.agent);
  // Asked before the question: a runtime the engine cannot give is refused up front.
  const isolation = await options.backend.isolation(plan.runtime);
  ctx.stderr.write(
    preflightText(options.agent, plan, { backend: options.backend.name, isolation }),
  );
  if (!options.yes && !await confirmYesNo(`Start bottle ${plan.slug}?`)) {
    ctx.stderr.write("bot-bottle: not started\n");
    return 1;
  }
  const outcome = await runBottle(plan, {
    backend: options.backend,
    env: options.agent.bottle.env,
    metadata: options.metadata,
    paths: homePaths(ctx.env),
    hostEnv: ctx.env,
    askSecret: (name, signal) => {
      if (!ctx.stdinIsTty) {
        throw new UsageError(
          `${name} is ?prompt and there is no terminal to ask for it: start from a terminal`,
        );
      }
      return askSecret(name, signal);
    },
    log: {
      info: (line) => ctx.stderr.write(`bot-bottle: ${line}\n`),
      warn: (line) => warn(ctx, line),
    },
    detach: options.detach,
    tty: ctx.stdinIsTty && ctx.stdoutIsTty,
    resume: options.resume,
    ...(options.interrupts === undefined ? {} : { interrupts: options.interrupts }),
  });
  if (options.detach) {
    println(ctx, plan.slug);
    ctx.stderr.write(
      `bot-bottle: bottle ${plan.slug} is running (backend ${options.backend.name})\n` +
        `  run a command: bot-bottle exec ${plan.slug} -- ${plan.command.join(" ")}\n` +
        `  stop it:       bot-bottle stop ${plan.slug}\n`,
    );
  }
  return outcome.code;
}

/** For a dry run, which may name an engine that does not answer: say so instead of failing. */
async function isolationOf(backend: Backend, plan: BottlePlan): Promise<string> {
  try {
    return await backend.isolation(plan.runtime);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    return "unknown (the engine does not answer)";
  }
}

function warnAbout(ctx: CliContext, agent: ResolvedAgent): void {
  for (const line of agent.warnings) warn(ctx, line);
}

function checkColor(color: string | undefined): BottleMetadata["color"] {
  if (color === undefined) return undefined;
  const found = BOTTLE_COLORS.find((c) => c === color);
  if (found === undefined) {
    throw new UsageError(`--color "${color}" must be one of ${BOTTLE_COLORS.join(", ")}`);
  }
  return found;
}

async function pickFrom(
  ctx: CliContext,
  choices: { names: string[]; warnings: string[] },
): Promise<string> {
  for (const line of choices.warnings) warn(ctx, line);
  return await pickAgent(choices.names);
}
