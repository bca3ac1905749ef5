/**
 * A strict argument parser for fake CLIs of tools that cannot run here: it accepts exactly the
 * grammar a test declares from the tool's documentation and refuses everything else the way a
 * clap-style parser does (unknown flag, missing or malformed value, a flag given twice, a
 * positional where none is allowed, conflicting flags, a missing required flag).
 */

/** One flag of a command. */
export interface FlagSpec {
  /** The long name, without `--`. */
  long: string;
  /** The short name, without `-`. */
  short?: string;
  /** For a flag that takes a value: returns a problem with the value, or undefined when valid. */
  value?: (value: string) => string | undefined;
  /** Whether it may be given more than once. */
  many?: boolean;
}

/** A command's grammar. */
export interface CommandGrammar {
  /** Its flags. */
  flags: readonly FlagSpec[];
  /**
   * Positionals: `none`; `trailing` (the first positional or a `--` starts a command that takes
   * the rest, as clap's `trailing_var_arg`); `last` (only after `--`, as clap's `last = true`).
   */
  rest: "none" | "trailing" | "last";
  /** Whether the trailing command must be there. */
  restRequired?: boolean;
  /** Long names that must be given. */
  required?: readonly string[];
  /** Pairs of long names that cannot be given together. */
  conflicts?: readonly (readonly [string, string])[];
}

/** What a command line said. */
export interface ParsedArgs {
  /** Values of flags that take one, by long name, in order. */
  values: Map<string, string[]>;
  /** Flags without a value that were given. */
  switches: Set<string>;
  /** The trailing command. */
  rest: string[];
}

/** A command line the tool would refuse (it exits 2, as clap does). */
export class StrictCliError extends Error {
  /** @param message What is wrong, as the tool would say it. */
  constructor(message: string) {
    super(message);
    this.name = "StrictCliError";
  }
}

/**
 * Parse a command line against a grammar.
 *
 * @param args The arguments after the subcommand.
 * @param grammar The grammar.
 * @returns Values, switches and the trailing command.
 * @throws {StrictCliError} For anything the grammar does not allow.
 */
export function parseStrict(args: readonly string[], grammar: CommandGrammar): ParsedArgs {
  const parsed: ParsedArgs = { values: new Map(), switches: new Set(), rest: [] };
  const seen = new Set<string>();
  const give = (flag: FlagSpec, value: string | undefined) => {
    if (seen.has(flag.long) && flag.many !== true) {
      throw new StrictCliError(`the argument '--${flag.long}' cannot be used multiple times`);
    }
    seen.add(flag.long);
    if (flag.value === undefined) {
      if (value !== undefined) throw new StrictCliError(`unexpected value for '--${flag.long}'`);
      parsed.switches.add(flag.long);
      return;
    }
    if (value === undefined) {
      throw new StrictCliError(`a value is required for '--${flag.long}' but none was supplied`);
    }
    const problem = flag.value(value);
    if (problem !== undefined) {
      throw new StrictCliError(`invalid value '${value}' for '--${flag.long}': ${problem}`);
    }
    parsed.values.set(flag.long, [...parsed.values.get(flag.long) ?? [], value]);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      if (grammar.rest === "none") throw new StrictCliError("unexpected argument '--'");
      parsed.rest = args.slice(i + 1);
      break;
    }
    if (arg.startsWith("--")) {
      const [name, inline] = splitInline(arg.slice(2));
      const flag = grammar.flags.find((f) => f.long === name);
      if (flag === undefined) throw new StrictCliError(`unexpected argument '--${name}' found`);
      const value = flag.value === undefined || inline !== undefined ? inline : args[++i];
      give(flag, value);
    } else if (arg.startsWith("-") && arg.length > 1) {
      const letters = [...arg.slice(1)];
      for (const [at, letter] of letters.entries()) {
        const flag = grammar.flags.find((f) => f.short === letter);
        if (flag === undefined) throw new StrictCliError(`unexpected argument '-${letter}' found`);
        if (flag.value === undefined) {
          give(flag, undefined);
          continue;
        }
        const attached = letters.slice(at + 1).join("");
        give(flag, attached !== "" ? attached.replace(/^=/, "") : args[++i]);
        break;
      }
    } else if (grammar.rest === "trailing") {
      parsed.rest = args.slice(i);
      break;
    } else {
      throw new StrictCliError(`unexpected argument '${arg}' found`);
    }
  }
  if (grammar.restRequired === true && parsed.rest.length === 0) {
    throw new StrictCliError("the following required arguments were not provided: <COMMAND>...");
  }
  for (const name of grammar.required ?? []) {
    if (!seen.has(name)) {
      throw new StrictCliError(`the following required arguments were not provided: --${name}`);
    }
  }
  for (const [a, b] of grammar.conflicts ?? []) {
    if (seen.has(a) && seen.has(b)) {
      throw new StrictCliError(`the argument '--${a}' cannot be used with '--${b}'`);
    }
  }
  return parsed;
}

function splitInline(text: string): [string, string | undefined] {
  const at = text.indexOf("=");
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
