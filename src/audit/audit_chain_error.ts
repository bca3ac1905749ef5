/** The error `audit verify` ends with when a log's chain is broken. */
import type { AuditBreak, BreakKind } from "./_find_break.ts";

/** A bottle's audit log whose hash chain is broken; names the first broken line. */
export class AuditChainError extends Error {
  /** The log's path. */
  readonly log: string;
  /** The 1-based number of the first broken line. */
  readonly line: number;
  /** What is wrong there. */
  readonly kind: BreakKind;

  /**
   * @param log The log's path.
   * @param broken The first break.
   */
  constructor(log: string, broken: AuditBreak) {
    super(`Audit log ${log} is broken at line ${broken.line}: ${broken.kind} (${broken.detail})`);
    this.name = "AuditChainError";
    this.log = log;
    this.line = broken.line;
    this.kind = broken.kind;
  }
}
