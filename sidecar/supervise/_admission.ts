/**
 * Admission of agent requests: what the supervise server holds for them is bounded for the whole
 * process, not only per request. A per-request body cap alone let an agent open a hundred endless
 * uploads at once and hold a hundred caps (about 1.2 MiB each, +117 MiB measured). Here every
 * body is read into memory against one shared byte budget and the number of requests in the
 * server at once is capped; a request that finds either spent is answered 503 at once, before
 * more of its body is read, and what it held is given back. A body over the per-request cap is
 * 413, whether its length was declared or found while reading.
 */
import { Buffer } from "node:buffer";
import type { Context, MiddlewareHandler } from "hono";

/** The limits {@link admission} enforces. */
export interface AdmissionLimits {
  /** Largest request body accepted (413 over it). */
  maxBodyBytes: number;
  /** Bytes all requests in the server may hold at once (503 when spent). */
  budgetBytes: number;
  /** Requests in the server at once, waiting calls included (503 over it). */
  maxRequests: number;
}

/** An answer to a request refused before its handler ran. */
export type Refusal = (c: Context, status: 400 | 413 | 503, message: string) => Response;

/**
 * A middleware that reads the body whole under the limits, then hands the handler a request
 * whose body is those bytes.
 *
 * @param limits Body cap, shared budget, concurrent requests.
 * @param refuse Builds the refusal response.
 * @returns The middleware; its state lives as long as the app it is mounted in.
 */
export function admission(limits: AdmissionLimits, refuse: Refusal): MiddlewareHandler {
  let held = 0;
  let requests = 0;
  const tooLarge = `Request body is larger than ${limits.maxBodyBytes} bytes`;
  const busy = "The supervise server is busy with other requests; try again shortly";
  return async (c, next) => {
    const declared = Number(c.req.header("content-length") ?? Number.NaN);
    if (declared > limits.maxBodyBytes) return refuse(c, 413, tooLarge);
    if (requests >= limits.maxRequests) return refuse(c, 503, busy);
    requests++;
    let taken = 0;
    try {
      const chunks: Uint8Array[] = [];
      const reader = c.req.raw.body?.getReader();
      while (reader !== undefined) {
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch {
          // The client broke off or sent a malformed chunked body.
          return refuse(c, 400, "Request body could not be read");
        }
        const { value, done } = read;
        if (done) break;
        if (
          taken + value.length > limits.maxBodyBytes || held + value.length > limits.budgetBytes
        ) {
          await reader.cancel().catch(() => {});
          return taken + value.length > limits.maxBodyBytes
            ? refuse(c, 413, tooLarge)
            : refuse(c, 503, busy);
        }
        taken += value.length;
        held += value.length;
        chunks.push(value);
      }
      const body = Buffer.concat(chunks, taken);
      // Always a body of its own: `null` would make the new request reuse the drained one's.
      c.req.raw = new Request(c.req.raw, { body });
      await next();
    } finally {
      held -= taken;
      requests--;
    }
  };
}
