/**
 * `bot-bottle edit <agent|bottle>`: open the manifest in `$EDITOR` and validate it on save
 * (SPEC §4). The editor runs as an argv (`$EDITOR` split on spaces, the file appended), never
 * through a shell. A broken save is reported at its `file:line:col` and the editor reopened; when
 * the editor fails, or a save repeats the same broken text, the previous file is put back.
 */
import { ManifestError, UsageError } from "../../core/errors/mod.ts";
import { listAgents, listBottles, loadAgent, loadBottle } from "../manifest/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { type CliContext, println, warn } from "./_context.ts";

/** How many broken saves in a row `edit` reopens before it gives up. */
const MAX_ROUNDS = 5;

/**
 * Edit an agent (or, when no agent has the name, a bottle).
 *
 * @param ctx The CLI context.
 * @param name The agent or bottle name.
 * @returns The exit code (0).
 * @throws {UsageError} When `EDITOR` (and `VISUAL`) is unset, or there is no such file.
 * @throws {ManifestError} When the edit stays broken (the previous file is restored).
 * @throws {Error} When the editor cannot run or fails (the previous file is restored).
 */
export async function editCommand(ctx: CliContext, name: string): Promise<number> {
  const editor = (ctx.env.VISUAL || ctx.env.EDITOR || "").trim().split(/\s+/).filter(Boolean);
  const [program, ...args] = editor;
  if (program === undefined) throw new UsageError("edit needs EDITOR (or VISUAL) to be set");
  const opts = { home: homePaths(ctx.env).root, cwd: ctx.cwd };
  const target = await locate(name, opts);
  const previous = await Deno.readTextFile(target.path);
  let lastBroken: string | undefined;
  for (let round = 1;; round++) {
    const status = await new Deno.Command(program, {
      args: [...args, target.path],
      clearEnv: true,
      env: definedEnv(ctx.env),
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    if (!status.success) {
      await Deno.writeTextFile(target.path, previous);
      throw new Error(
        `Cannot edit ${target.path}: ${program} exited ${status.code}; kept the previous file`,
      );
    }
    const text = await Deno.readTextFile(target.path);
    try {
      await target.validate();
      println(ctx, `${target.path}: valid`);
      return 0;
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      if (text === lastBroken || round >= MAX_ROUNDS) {
        await Deno.writeTextFile(target.path, previous);
        throw new ManifestError(`${err.detail} (kept the previous file)`, {
          file: err.file,
          line: err.line,
          column: err.column,
          cause: err,
        });
      }
      lastBroken = text;
      warn(ctx, `${err.message}; reopening the editor (save it unchanged to give up)`);
    }
  }
}

function definedEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

async function locate(
  name: string,
  opts: { home: string; cwd: string },
): Promise<{ path: string; validate: () => Promise<unknown> }> {
  const agent = (await listAgents(opts)).agents.find((a) => a.name === name);
  if (agent !== undefined) return { path: agent.path, validate: () => loadAgent(name, opts) };
  if ((await listBottles(opts)).bottles.includes(name)) {
    return {
      path: `${homePaths({ BOT_BOTTLE_HOME: opts.home }).bottles}/${name}.md`,
      validate: () => loadBottle(name, opts),
    };
  }
  throw new UsageError(`edit: no agent or bottle named "${name}" (see bot-bottle list)`);
}
