/**
 * The `bot-bottle` command line: one file per subcommand, loaded lazily so `--help` stays fast.
 *
 * `runCli` never exits the process and never maps errors to exit codes: it throws, and `main.ts`
 * decides the code (SPEC §4: errors exit 1, usage errors exit 2).
 *
 * @module
 * @example
 * ```ts
 * import { runCli } from "./mod.ts";
 * let out = "";
 * await runCli(["--version"], {
 *   env: {},
 *   cwd: "/",
 *   stdout: { write: (t) => void (out += t) },
 *   stderr: { write: () => {} },
 *   stdinIsTty: false,
 *   stdoutIsTty: false,
 * }).catch(() => {});
 * console.assert(out.trim().length > 0);
 * ```
 */
import { Command, CommanderError } from "commander";
import { UsageError } from "../../core/errors/mod.ts";
import { registerLifecycle } from "./_lifecycle_commands.ts";
import type { CliContext } from "./_context.ts";
import { loadCommand } from "./_load_command.ts";
import { VERSION } from "./_version.ts";

export type { CliContext, TextSink } from "./_context.ts";
export { VERSION } from "./_version.ts";

/**
 * Run the CLI with the given arguments (without the program name).
 *
 * @param argv Arguments, e.g. `["info", "dev"]`.
 * @param ctx The environment, cwd and output sinks.
 * @returns The exit code for successful runs (0, or a command's own non-zero status).
 * @throws {UsageError} For invalid invocations (exit 2).
 * @throws {Error} Any other error the command raised (exit 1).
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const state = { code: 0 };
  const { head, tail } = splitCommand(argv);
  const program = buildProgram(ctx, state, tail);
  try {
    await program.parseAsync(head, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version surface as errors with exit code 0.
      if (err.exitCode === 0) return 0;
      throw new UsageError(err.message.replace(/^error: /, ""), { cause: err });
    }
    throw err;
  }
  return state.code;
}

/** Commands that take `-- <cmd…>`: a command line for the bottle, never parsed as options. */
const TAIL_COMMANDS: readonly string[] = Object.freeze(["start", "exec", "resume"]);

/** Split `start dev -- ls -la` into what commander parses and the bottle's command. */
function splitCommand(argv: readonly string[]): { head: string[]; tail?: string[] } {
  const dash = argv.indexOf("--");
  if (dash < 0 || !TAIL_COMMANDS.includes(argv[0] ?? "")) return { head: [...argv] };
  return { head: argv.slice(0, dash), tail: argv.slice(dash + 1) };
}

function buildProgram(
  ctx: CliContext,
  state: { code: number },
  tail: string[] | undefined,
): Command {
  const program = new Command("bot-bottle")
    .description("Run coding agents in bottles: isolated, credential-free, egress-filtered.")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      // Commander's own error text is rethrown as a UsageError; main.ts prints it once.
      writeErr: (text) => {
        if (!text.startsWith("error:")) ctx.stderr.write(text);
      },
    })
    .addHelpText(
      "after",
      `
Examples:
  bot-bottle doctor              check that this host can run bottles
  bot-bottle list                list the agents you can start
  bot-bottle info dev            show what the agent "dev" would get
  bot-bottle start dev           start the agent "dev" in a bottle
  bot-bottle list active         list running bottles
  bot-bottle cleanup             remove what stopped bottles left behind`,
    );

  program
    .command("list")
    .description("list agents, or running bottles with `list active`")
    .argument("[what]", '"active" to list running bottles, "providers" for agent providers')
    .option("--json", "print JSON for scripts")
    .addHelpText(
      "after",
      "\nExamples:\n  bot-bottle list\n  bot-bottle list --json\n  bot-bottle list active --json" +
        "\n  bot-bottle list providers",
    )
    .action(async (what: string | undefined, opts: { json?: boolean }) => {
      if (what === "active") {
        const { listActiveCommand } = await loadCommand<typeof import("./list_active.ts")>(
          "./list_active.ts",
        );
        state.code = await listActiveCommand(ctx, { json: opts.json === true });
        return;
      }
      if (what === "providers") {
        const { listProvidersCommand } = await loadCommand<typeof import("./providers.ts")>(
          "./providers.ts",
        );
        state.code = await listProvidersCommand(ctx, { json: opts.json === true });
        return;
      }
      if (what !== undefined) {
        throw new UsageError(
          `unknown list target "${what}" (did you mean "active" or "providers"?)`,
        );
      }
      const { listCommand } = await loadCommand<typeof import("./list.ts")>("./list.ts");
      state.code = await listCommand(ctx, { json: opts.json === true });
    });

  program
    .command("info")
    .description(
      "show an agent's resolved bottle (env names, skills, routes, repos, identity), or a " +
        "provider with its folder",
    )
    .argument("<agent>", "agent name, or a provider name when no agent has it")
    .addHelpText("after", "\nExamples:\n  bot-bottle info dev\n  bot-bottle info pi")
    .action(async (agent: string) => {
      const { infoCommand } = await loadCommand<typeof import("./info.ts")>("./info.ts");
      state.code = await infoCommand(ctx, agent);
    });

  program
    .command("doctor")
    .description("check this host: engines, git, ssh, config dir, disk space")
    .addHelpText("after", "\nExample:\n  bot-bottle doctor")
    .action(async () => {
      const { doctorCommand } = await loadCommand<typeof import("./doctor.ts")>("./doctor.ts");
      state.code = await doctorCommand(ctx);
    });

  registerLifecycle(program, { ctx, state, tail });
  registerEgress(program, ctx, state);
  registerSupervise(program, ctx, state);
  registerAudit(program, ctx, state);
  registerManifestCommands(program, ctx, state);
  return program;
}

function registerEgress(program: Command, ctx: CliContext, state: { code: number }): void {
  const egress = program.command("egress").description("run the egress proxy on its own");
  egress
    .command("serve")
    .description("serve the egress proxy on the host (benchmarks, tests, outside workloads)")
    .requiredOption("--routes <file>", "routes YAML (the same as a bottle's egress: section)")
    .requiredOption("--ca-dir <dir>", "CA directory (created if absent; clients trust ca.pem)")
    .option(
      "--listen <host:port>",
      "address to listen on (default 127.0.0.1:9099, the egress port of a sidecar)",
    )
    .option(
      "--reuse-port",
      "share the --listen port with other egress serve processes started with it (Linux; one " +
        "event loop each, the kernel spreads connections)",
    )
    .option("--upstream-ca <file>", "extra CA (PEM) trusted for upstream TLS")
    .option(
      "--log <level>",
      "0 refusals only, 1 also DLP warnings, 2 also every request",
      undefined,
    )
    .option(
      "--queue-dir <dir>",
      "operator queue for outbound_on_match: supervise (without it, supervise refuses)",
    )
    .option(
      "--connect-to <map>",
      "HOST:PORT=ADDR:PORT, maps an upstream to a test address (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addHelpText(
      "after",
      "\nEnvironment (seconds; default, most):\n" +
        "  BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS   to connect to an upstream (10, 300)\n" +
        "  BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS  for its answer to start (300, 3600)\n" +
        "  BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS     of silence within its answer (300, 3600)\n" +
        "\nExample:\n  bot-bottle egress serve --routes routes.yaml --ca-dir ./ca",
    )
    .action(async (opts: Record<string, unknown>) => {
      const { egressServeCommand } = await loadCommand<typeof import("./egress_serve.ts")>(
        "./egress_serve.ts",
      );
      state.code = await egressServeCommand(ctx, opts);
    });
}

function registerSupervise(program: Command, ctx: CliContext, state: { code: number }): void {
  const supervise = program
    .command("supervise")
    .description("approve or reject what agents ask for")
    .addHelpText(
      "after",
      `
Examples:
  bot-bottle supervise                               the full-screen approval UI
  bot-bottle supervise list                          pending proposals, oldest first
  bot-bottle supervise show 3f2a…                    one proposal, with a diff of the routes
  bot-bottle supervise approve 3f2a… --reason ok     apply it; the bottle changes live
  bot-bottle supervise reject 3f2a… --reason "no"    answer the agent with the reason`,
    )
    .action(async () => {
      const { superviseTuiCommand } = await loadCommand<typeof import("./supervise_tui.ts")>(
        "./supervise_tui.ts",
      );
      state.code = await superviseTuiCommand(ctx);
    });
  supervise
    .command("list")
    .description("list pending proposals across all bottles")
    .option("--json", "print JSON for scripts")
    .action(async (opts: { json?: boolean }) => {
      const { superviseListCommand } = await loadCommand<typeof import("./supervise.ts")>(
        "./supervise.ts",
      );
      state.code = await superviseListCommand(ctx, { json: opts.json === true });
    });
  supervise
    .command("show")
    .description("show a proposal and, for routes, a diff against the live file")
    .argument("<id>", "proposal id (or a unique prefix)")
    .option("--json", "print JSON for scripts")
    .action(async (id: string, opts: { json?: boolean }) => {
      const { superviseShowCommand } = await loadCommand<typeof import("./supervise.ts")>(
        "./supervise.ts",
      );
      state.code = await superviseShowCommand(ctx, id, { json: opts.json === true });
    });
  supervise
    .command("approve")
    .description("apply a proposal and answer the agent")
    .argument("<id>", "proposal id (or a unique prefix)")
    .option("--reason <text>", "why (required for gitleaks-allow and egress-token-allow)")
    .option("--file <path>", "approve your edited version of the proposed file (modify)")
    .option("--expect <digest>", "refuse if the proposal differs from what `show` printed")
    .action(async (id: string, opts: { reason?: string; file?: string; expect?: string }) => {
      const { superviseApproveCommand } = await loadCommand<typeof import("./supervise.ts")>(
        "./supervise.ts",
      );
      state.code = await superviseApproveCommand(ctx, id, {
        reason: opts.reason,
        ...(opts.file === undefined ? {} : { file: opts.file }),
        ...(opts.expect === undefined ? {} : { expect: opts.expect }),
      });
    });
  supervise
    .command("reject")
    .description("reject a proposal; the agent sees the reason")
    .argument("<id>", "proposal id (or a unique prefix)")
    .option("--reason <text>", "why (required)")
    .option("--expect <digest>", "refuse if the proposal differs from what `show` printed")
    .action(async (id: string, opts: { reason?: string; expect?: string }) => {
      const { superviseRejectCommand } = await loadCommand<typeof import("./supervise.ts")>(
        "./supervise.ts",
      );
      state.code = await superviseRejectCommand(ctx, id, {
        reason: opts.reason,
        ...(opts.expect === undefined ? {} : { expect: opts.expect }),
      });
    });
}

function registerAudit(program: Command, ctx: CliContext, state: { code: number }): void {
  const audit = program.command("audit").description("check a bottle's audit log");
  audit
    .command("verify")
    .description("check the hash chain of a bottle's audit log; name the first broken line")
    .argument("<slug>", "the bottle's slug (see list active)")
    .option("--json", "print JSON for scripts")
    .addHelpText(
      "after",
      "\nExamples:\n  bot-bottle audit verify dev-1\n  bot-bottle audit verify dev-1 --json",
    )
    .action(async (slug: string, opts: { json?: boolean }) => {
      const { auditVerifyCommand } = await loadCommand<typeof import("./audit.ts")>("./audit.ts");
      state.code = await auditVerifyCommand(ctx, slug, { json: opts.json === true });
    });
}

function registerManifestCommands(
  program: Command,
  ctx: CliContext,
  state: { code: number },
): void {
  program
    .command("init")
    .description("write a starter bottle and agent for a provider (built in or a plugin)")
    .option("--provider <name>", "claude, codex, shell or a plugin (asked on a terminal)")
    .option("--name <agent>", "the agent's name (default: the provider's)")
    .option("--bottle <name>", "the bottle's name (default: the agent's)")
    .option("--auth-token <VAR>", "host variable holding the provider credential")
    .option(
      "--host <host>",
      "a host the agent may reach (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addHelpText(
      "after",
      "\nExamples:\n  bot-bottle init --provider claude --auth-token CLAUDE_TOKEN\n" +
        "  bot-bottle init --provider pi --name helper --host registry.npmjs.org",
    )
    .action(async (opts: {
      provider?: string;
      name?: string;
      bottle?: string;
      authToken?: string;
      host: string[];
    }) => {
      const { initCommand } = await loadCommand<typeof import("./init.ts")>("./init.ts");
      state.code = await initCommand(ctx, {
        provider: opts.provider,
        name: opts.name,
        bottle: opts.bottle,
        authToken: opts.authToken,
        hosts: opts.host,
      });
    });
  program
    .command("edit")
    .description("edit an agent (or bottle) in $EDITOR, validated on save")
    .argument("<name>", "agent name, or a bottle name when no agent has it")
    .addHelpText("after", "\nExample:\n  EDITOR=vi bot-bottle edit dev")
    .action(async (name: string) => {
      const { editCommand } = await loadCommand<typeof import("./edit.ts")>("./edit.ts");
      state.code = await editCommand(ctx, name);
    });
}
