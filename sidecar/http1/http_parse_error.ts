/**
 * The one error the codec throws for bytes that break HTTP/1.1 framing rules.
 *
 * @module
 */

/** Why a message was rejected; stable, meant for logs and tests. */
export type HttpParseErrorCode =
  | "bad-start-line"
  | "bad-version"
  | "unsupported-version"
  | "bad-target"
  | "bad-header"
  | "bad-host"
  | "bad-content-length"
  | "bad-transfer-encoding"
  | "unsupported-transfer-encoding"
  | "bad-chunk"
  | "line-too-long"
  | "head-too-large"
  | "too-many-headers"
  | "head-timeout"
  | "response-timeout"
  | "body-timeout"
  | "truncated"
  | "closed-before-response";

/** Options of {@link HttpParseError}. */
export interface HttpParseErrorOptions {
  /** The status a proxy should answer with (502/504 when the upstream sent the bad bytes). */
  status: number;
  /** Machine-readable reason. */
  code: HttpParseErrorCode;
  /** The underlying error, when there is one. */
  cause?: unknown;
}

/**
 * Malformed, ambiguous (smuggling-prone), oversized or too-slow HTTP/1.x input. The connection it
 * came from is unusable afterwards: answer with `status` (when possible) and close it.
 */
export class HttpParseError extends SyntaxError {
  /** HTTP status to send: 400, 408, 414, 431, 501, 505 for requests; 502 or 504 for responses. */
  readonly status: number;
  /** Machine-readable reason. */
  readonly code: HttpParseErrorCode;

  /**
   * @param message What was wrong, e.g. `Cannot parse request: header "x y" has an invalid name`.
   * @param options Status, code and cause.
   */
  constructor(message: string, options: HttpParseErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HttpParseError";
    this.status = options.status;
    this.code = options.code;
  }
}
