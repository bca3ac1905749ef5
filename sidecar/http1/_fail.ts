import { HttpParseError } from "./http_parse_error.ts";
import type { HttpParseErrorCode } from "./http_parse_error.ts";

/** Which leg sent the bytes: a client's request, or an upstream's response. */
export type Side = "request" | "response";

/** What a server answers a bad request with, per reason. */
const REQUEST_STATUS: Readonly<Record<HttpParseErrorCode, number>> = Object.freeze({
  "bad-start-line": 400,
  "bad-version": 400,
  "unsupported-version": 505,
  "bad-target": 400,
  "bad-header": 400,
  "bad-host": 400,
  "bad-content-length": 400,
  "bad-transfer-encoding": 400,
  "unsupported-transfer-encoding": 501,
  "bad-chunk": 400,
  "line-too-long": 414,
  "head-too-large": 431,
  "too-many-headers": 431,
  "head-timeout": 408,
  "response-timeout": 504,
  "body-timeout": 408,
  "truncated": 400,
  "closed-before-response": 400,
});

/** Options of {@link fail}. */
export interface FailOptions {
  /** Who sent the bad bytes; bad responses map to 502, or 504 when the upstream was too slow. */
  side: Side;
  /** The underlying error, when there is one. */
  cause?: Error | null;
}

/** Build the error for bad input, with the status the proxy should answer. */
export function fail(
  code: HttpParseErrorCode,
  detail: string,
  options: FailOptions,
): HttpParseError {
  const { side, cause } = options;
  const timedOut = code === "head-timeout" || code === "response-timeout";
  const status = side === "request" ? REQUEST_STATUS[code] : timedOut ? 504 : 502;
  return new HttpParseError(`Cannot read ${side}: ${detail}`, {
    status,
    code,
    ...(cause === undefined || cause === null ? {} : { cause }),
  });
}
