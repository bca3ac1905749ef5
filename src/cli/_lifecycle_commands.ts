/**
 * The lifecycle commands' flags and help (start, exec, stop, resume, cleanup, commit). Each
 * action loads its command file lazily, so `--help` stays fast.
 */
import type { Command } from "commander";
import type { CliContext } from "./_context.ts";
import { loadCommand } from "./_load_command.ts";

/** What the actions share with `runCli`. */
export interface LifecycleWiring {
  /** The CLI context. */
  ctx: CliContext;
  /** Receives the command's exit code. */
  state: { code: number };
  /** The words after `--`, when given. */
  tail: string[] | undefined;
}

/**
 * Register the lifecycle commands.
 *
 * @param program The root command.
 * @param wiring Context, exit code holder and the `--` tail.
 */
export function registerLifecycle(program: Command, wiring: LifecycleWiring): void {
  const { ctx, state, tail } = wiring;
  const command = tail === undefined ? {} : { command: tail };

  program
    .command("start")
    .description("start an agent in a new bottle")
    .argument("[agent]", "agent name (a picker asks when omitted, in a terminal)")
    .usage("[options] [agent] [-- <cmd…>]")
    .option(
      "--backend <name>",
      "docker, macos-container, smolmachines or podman (default: $BOT_BOTTLE_BACKEND, else the first " +
        "available)",
    )
    .option("--label <name>", "name the bottle; used as its slug")
    .option("--color <color>", "color of the label in `list active` (red, green, blue, …)")
    .option("-y, --yes", "start without asking y/N")
    .option("--dry-run", "print the plan and the backend's steps, then exit")
    .option("-d, --detach", "leave the bottle running; print its slug on stdout")
    .option("--cwd <dir>", "copy this folder into the workspace (default: the current one)")
    .option("--no-cwd", "start with an empty workspace")
    .addHelpText(
      "after",
      `
Examples:
  bot-bottle start dev                        preflight, y/N, then the agent's default command
  bot-bottle start dev --cwd ~/src/app        work on a copy of another folder
  bot-bottle start                            pick an agent (in a terminal)
  bot-bottle start demo --dry-run             print what would run, change nothing
  bot-bottle start dev --label review --yes   no question; the bottle is named "review"
  slug=$(bot-bottle start dev --yes --detach) headless: the slug alone on stdout
  bot-bottle start dev -- bash -lc 'make test'  run a command instead of the default`,
    )
    .action(async (agent: string | undefined, opts: Record<string, string | boolean>) => {
      const { startCommand } = await loadCommand<typeof import("./start.ts")>("./start.ts");
      state.code = await startCommand(ctx, {
        ...(agent === undefined ? {} : { agent }),
        ...strings(opts, ["backend", "label", "color"]),
        yes: opts.yes === true,
        dryRun: opts.dryRun === true,
        detach: opts.detach === true,
        ...(opts.cwd === undefined
          ? {}
          : { workspace: opts.cwd === false ? false : String(opts.cwd) }),
        ...command,
      });
    });

  program
    .command("exec")
    .description("run a command in a running bottle, as the agent user")
    .argument("<slug>", "the bottle's slug (see `list active`)")
    .usage("<slug> -- <cmd…>")
    .addHelpText(
      "after",
      "\nExamples:\n  bot-bottle exec dev-3f9a1c -- bash -l\n  bot-bottle exec dev-3f9a1c -- git status",
    )
    .action(async (slug: string) => {
      const { execCommand } = await loadCommand<typeof import("./exec.ts")>("./exec.ts");
      state.code = await execCommand(ctx, { slug, command: tail ?? [] });
    });

  program
    .command("stop")
    .description("tear one bottle down (its state is kept only if preserved)")
    .argument("<slug>", "the bottle's slug")
    .addHelpText("after", "\nExample:\n  bot-bottle stop dev-3f9a1c")
    .action(async (slug: string) => {
      const { stopCommand } = await loadCommand<typeof import("./stop.ts")>("./stop.ts");
      state.code = await stopCommand(ctx, { slug });
    });

  program
    .command("resume")
    .description("relaunch a kept bottle with its recorded agent, backend and label")
    .argument("<slug>", "the bottle's slug (from the resume hint)")
    .usage("[options] <slug> [-- <cmd…>]")
    .option("-y, --yes", "resume without asking y/N")
    .option("-d, --detach", "leave the bottle running; print its slug on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  bot-bottle resume dev-3f9a1c\n  bot-bottle resume dev-3f9a1c --yes -- bash -l",
    )
    .action(async (slug: string, opts: Record<string, boolean>) => {
      const { resumeCommand } = await loadCommand<typeof import("./resume.ts")>("./resume.ts");
      state.code = await resumeCommand(ctx, {
        slug,
        yes: opts.yes === true,
        detach: opts.detach === true,
        ...(opts.cwd === undefined
          ? {}
          : { workspace: opts.cwd === false ? false : String(opts.cwd) }),
        ...command,
      });
    });

  program
    .command("cleanup")
    .description("remove what stopped bottles left behind: containers, networks, orphan state")
    .option("-y, --yes", "remove without asking y/N")
    .addHelpText("after", "\nExamples:\n  bot-bottle cleanup\n  bot-bottle cleanup --yes")
    .action(async (opts: Record<string, boolean>) => {
      const { cleanupCommand } = await loadCommand<typeof import("./cleanup.ts")>("./cleanup.ts");
      state.code = await cleanupCommand(ctx, { yes: opts.yes === true });
    });

  program
    .command("cp")
    .description("copy a file or folder out of a running bottle (relative paths: its workspace)")
    .argument("<source>", "<slug>:<path>")
    .argument("<host-dir>", "an existing folder; the copy lands in it under the same name")
    .addHelpText(
      "after",
      "\nExamples:\n  bot-bottle cp dev-3f9a1c:dist ./out\n  bot-bottle cp dev-3f9a1c:/tmp/report.txt .",
    )
    .action(async (source: string, hostDir: string) => {
      const { cpCommand } = await loadCommand<typeof import("./cp.ts")>("./cp.ts");
      state.code = await cpCommand(ctx, { source, hostDir });
    });

  program
    .command("commit")
    .description("snapshot a running bottle's filesystem to an image; resume boots from it")
    .argument("[slug]", "the bottle's slug (default: the only running bottle)")
    .addHelpText("after", "\nExamples:\n  bot-bottle commit\n  bot-bottle commit dev-3f9a1c")
    .action(async (slug: string | undefined) => {
      const { commitCommand } = await loadCommand<typeof import("./commit.ts")>("./commit.ts");
      state.code = await commitCommand(ctx, slug === undefined ? {} : { slug });
    });
}

function strings<K extends string>(
  opts: Record<string, string | boolean>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  return Object.fromEntries(
    keys.flatMap((key) => typeof opts[key] === "string" ? [[key, opts[key]]] : []),
  ) as Partial<Record<K, string>>;
}
