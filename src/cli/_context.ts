import { styleText } from "node:util";

/** A sink the CLI writes text to (stdout or stderr). */
export interface TextSink {
  /** Write text as-is (no newline added). */
  write(text: string): void;
}

/** Everything a command needs from the outside world; tests build their own. */
export interface CliContext {
  /** The process environment (a snapshot). */
  env: Record<string, string | undefined>;
  /** The directory bot-bottle was started from. */
  cwd: string;
  /** Standard output. */
  stdout: TextSink;
  /** Standard error. */
  stderr: TextSink;
  /** Whether stdin is a terminal (pickers and prompts need one). */
  stdinIsTty: boolean;
  /** Whether stdout is a terminal (colors need one). */
  stdoutIsTty: boolean;
}

/** Colors are on only for a terminal and only when `NO_COLOR` is unset or empty. */
export function colorEnabled(ctx: CliContext): boolean {
  const noColor = ctx.env.NO_COLOR;
  return ctx.stdoutIsTty && (noColor === undefined || noColor === "");
}

/** Paint text when colors are enabled. */
export function paint(
  ctx: CliContext,
  format: Parameters<typeof styleText>[0],
  text: string,
): string {
  return colorEnabled(ctx) ? styleText(format, text, { validateStream: false }) : text;
}

/** Print one line to stdout. */
export function println(ctx: CliContext, line = ""): void {
  ctx.stdout.write(`${line}\n`);
}

/** Print a warning line to stderr, in the one format every command uses. */
export function warn(ctx: CliContext, message: string): void {
  ctx.stderr.write(`${paint(ctx, "yellow", "bot-bottle: warning:")} ${message}\n`);
}
