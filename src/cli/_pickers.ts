/**
 * The interactive prompts of the lifecycle commands. Each one needs a terminal: callers check
 * `ctx.stdinIsTty` first, because a prompt without one waits forever. Prompts draw on stderr so
 * stdout stays clean for scripts (`start --detach` prints only the slug there).
 */
import process from "node:process";
import { confirm, input, password, search, select } from "@inquirer/prompts";
import { InterruptedError } from "../lifecycle/mod.ts";

/**
 * A filterable agent picker.
 *
 * @param names Agent names.
 * @returns The chosen name.
 * @throws {InterruptedError} On Ctrl-C.
 */
export function pickAgent(names: readonly string[]): Promise<string> {
  return prompt(() =>
    search({
      message: "Agent to start (type to filter)",
      source: (term) =>
        names.filter((name) => term === undefined || name.includes(term.toLowerCase())),
    }, { output: process.stderr })
  );
}

/**
 * Choose among several available backends.
 *
 * @param names Backend names, preferred first.
 * @returns The chosen name.
 * @throws {InterruptedError} On Ctrl-C.
 */
export function pickBackend(names: readonly string[]): Promise<string> {
  return prompt(() =>
    select({ message: "Backend", choices: names.map((name) => ({ value: name })) }, {
      output: process.stderr,
    })
  );
}

/**
 * Ask y/N, defaulting to No.
 *
 * @param message The question.
 * @returns Whether the operator answered yes.
 * @throws {InterruptedError} On Ctrl-C.
 */
export function confirmYesNo(message: string): Promise<boolean> {
  return prompt(() => confirm({ message, default: false }, { output: process.stderr }));
}

/**
 * Ask for a secret without echoing it.
 *
 * @param name The env variable it is for.
 * @param signal Gives up when aborted (SIGTERM during the prompt).
 * @returns The value typed.
 * @throws {InterruptedError} On Ctrl-C or when `signal` aborts.
 */
export function askSecret(name: string, signal: AbortSignal): Promise<string> {
  return prompt(() =>
    password({ message: `Value for ${name} (hidden)` }, { output: process.stderr, signal })
  );
}

/**
 * Choose a provider for `init`.
 *
 * @param choices Provider names with their descriptions.
 * @returns The chosen name.
 * @throws {InterruptedError} On Ctrl-C.
 */
export function pickProvider(choices: readonly { name: string; description: string }[]) {
  return prompt(() =>
    select({
      message: "Agent provider",
      choices: choices.map((c) => ({ value: c.name, name: `${c.name}  ${c.description}` })),
    }, { output: process.stderr })
  );
}

/**
 * Ask for one line of text.
 *
 * @param message The question.
 * @param validate Returns an error message for an invalid answer, or `true`.
 * @returns The answer, trimmed.
 * @throws {InterruptedError} On Ctrl-C.
 */
export async function askLine(
  message: string,
  validate: (value: string) => string | true,
): Promise<string> {
  const answer = await prompt(() =>
    input({ message, validate: (v) => validate(v.trim()) }, { output: process.stderr })
  );
  return answer.trim();
}

async function prompt<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    // @inquirer/core's error classes are not reachable through @inquirer/prompts, so the error
    // name is the only stable mark of "the operator pressed Ctrl-C" or "the signal aborted".
    if (
      err instanceof Error && (err.name === "ExitPromptError" || err.name === "AbortPromptError")
    ) {
      throw new InterruptedError({ cause: err });
    }
    throw err;
  }
}
