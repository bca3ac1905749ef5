/**
 * A strict command-line grammar for fake CLIs of tools that cannot run here (Apple `container`,
 * smolvm). It parses the way swift-argument-parser and similar parsers do (`--name value`,
 * `--name=value`, `-n value`, flags, `--` ending options, arguments after a passthrough
 * positional captured as they are) and rejects what the real tool rejects: an unknown option, a
 * missing value, a value given to a flag, too few or too many arguments, a value its check
 * refuses. A test is then as strict as the tool's documented grammar, not looser.
 */

/** One option of a command. */
export interface OptionSpec {
  /** Its names, long ones with `--`, short ones with `-`; the first is its key in the result. */
  names: readonly string[];
  /** Whether it takes a value (false: a flag). */
  value: boolean;
  /** Why a value is refused, or undefined when it is fine. */
  check?: (value: string) => string | undefined;
}

/** One command's grammar. */
export interface CommandSpec {
  /** Its options. */
  options: readonly OptionSpec[];
  /** Fewest positional arguments. */
  min: number;
  /** Most positional arguments (before a passthrough). */
  max: number;
  /**
   * Everything after this many positionals is captured as it is, options included (the
   * process arguments of `run <image> …` or `exec <id> …`).
   */
  passthroughAfter?: number;
  /** Fewest passthrough arguments (`exec <id>` needs a command). */
  minRest?: number;
}

/** What a command line parsed to. */
export interface ParsedCommand {
  /** Values by the option's first name; a flag has one empty string per use. */
  options: Map<string, string[]>;
  /** Positional arguments. */
  positionals: string[];
  /** Arguments after the passthrough point. */
  rest: string[];
}

/** A command line the real tool would refuse. */
export class StrictUsageError extends TypeError {
  /** @param message What is wrong, as the tool would say it. */
  constructor(message: string) {
    super(message);
    this.name = "StrictUsageError";
  }
}

/**
 * Parse arguments against a command's grammar.
 *
 * @param spec The grammar.
 * @param args The arguments after the command's name.
 * @returns Options, positionals and passthrough arguments.
 * @throws {StrictUsageError} For anything the grammar does not allow.
 */
export function parseStrict(spec: CommandSpec, args: readonly string[]): ParsedCommand {
  const parsed: ParsedCommand = { options: new Map(), positionals: [], rest: [] };
  let onlyPositionals = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (spec.passthroughAfter !== undefined && parsed.positionals.length > spec.passthroughAfter) {
      parsed.rest = [...args.slice(i)];
      break;
    }
    if (!onlyPositionals && arg === "--") {
      onlyPositionals = true;
      continue;
    }
    if (onlyPositionals || !arg.startsWith("-") || arg === "-") {
      parsed.positionals.push(arg);
      if (
        spec.passthroughAfter !== undefined && parsed.positionals.length > spec.passthroughAfter
      ) {
        parsed.rest = [...args.slice(i + 1)];
        break;
      }
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const option = spec.options.find((o) => o.names.includes(name));
    if (option === undefined) throw new StrictUsageError(`Unknown option '${name}'`);
    const key = option.names[0] ?? name;
    let value = "";
    if (option.value) {
      if (eq !== -1) value = arg.slice(eq + 1);
      else if (i + 1 < args.length && !(args[i + 1] ?? "").startsWith("-")) value = args[++i] ?? "";
      else throw new StrictUsageError(`Missing value for '${name} <value>'`);
      const problem = option.check?.(value);
      if (problem !== undefined) {
        throw new StrictUsageError(`The value '${value}' is invalid for '${name}': ${problem}`);
      }
    } else if (eq !== -1) {
      throw new StrictUsageError(`The flag '${name}' does not take a value`);
    }
    parsed.options.set(key, [...parsed.options.get(key) ?? [], value]);
  }
  const count = parsed.positionals.length;
  if (count < spec.min || parsed.rest.length < (spec.minRest ?? 0)) {
    throw new StrictUsageError(`Missing expected argument (got ${count + parsed.rest.length})`);
  }
  if (spec.passthroughAfter === undefined && count > spec.max) {
    throw new StrictUsageError(`Unexpected argument '${parsed.positionals[spec.max]}'`);
  }
  return parsed;
}

/**
 * The last value of an option, if given.
 *
 * @param parsed A parsed command.
 * @param key The option's first name.
 * @returns Its last value.
 */
export function lastValue(parsed: ParsedCommand, key: string): string | undefined {
  return parsed.options.get(key)?.at(-1);
}

/**
 * All values of an option.
 *
 * @param parsed A parsed command.
 * @param key The option's first name.
 * @returns Its values, in order.
 */
export function allValues(parsed: ParsedCommand, key: string): string[] {
  return parsed.options.get(key) ?? [];
}
