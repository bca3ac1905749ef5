/** The typed error for CA files that exist but cannot be used. */
import { ConfigError } from "../errors/mod.ts";

/** Why a CA file was refused; callers branch on this, never on the message. */
export type CaFileProblem =
  | "incomplete"
  | "unreadable"
  | "malformed"
  | "insecure-permissions"
  | "not-ca"
  | "unsupported-key"
  | "key-mismatch"
  | "not-yet-valid"
  | "expired";

/** Options accepted by {@link CaFileError}. */
export interface CaFileErrorOptions {
  /** The file at fault. */
  file: string;
  /** Why it was refused. */
  problem: CaFileProblem;
  /** The underlying error, when there is one. */
  cause?: unknown;
}

/**
 * A CA certificate or key file that exists but cannot be used. The CA is never regenerated over
 * it: agents may already trust the certificate, so the operator decides what to delete.
 */
export class CaFileError extends ConfigError {
  /** Path of the offending file. */
  readonly file: string;
  /** Why it was refused. */
  readonly problem: CaFileProblem;

  /**
   * @param detail What is wrong and how to fix it (no trailing period).
   * @param options The file, the problem and the cause.
   */
  constructor(detail: string, options: CaFileErrorOptions) {
    super(`Cannot use CA file "${options.file}": ${detail}`, { cause: options.cause });
    this.name = "CaFileError";
    this.file = options.file;
    this.problem = options.problem;
  }
}
