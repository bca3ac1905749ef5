/** The outbound-head step (SPEC §6.1 step 8): DLP on the head exactly as it will be sent. */
import type { HeaderList } from "../http1/mod.ts";
import { ALLOW, type Decision } from "./policy/mod.ts";
import {
  type ExchangeContext,
  type ExchangeEnv,
  type ForwardHead,
  outboundContext,
} from "./_exchange_context.ts";
import { judgeSeam, type OutboundContext } from "./_outbound.ts";
import { screenHead, type ScreenResult } from "./_screen_head.ts";

/**
 * The outbound-head step: screen the method, target and headers about to be sent, and the
 * credentials stripped from the agent's request; a redaction rewrites the head to send. The
 * target is also checked against the end of what this host was sent last (a split secret).
 *
 * @param ctx The request; its `forward` head is set.
 * @param env The environment.
 * @returns Allow, or the deny for a finding the route does not let through.
 */
export function outboundHead(ctx: ExchangeContext, env: ExchangeEnv): Decision | Promise<Decision> {
  const forward = ctx.forward;
  if (forward === undefined) throw new TypeError("outbound DLP ran before the forward head");
  const outbound = outboundContext(ctx, env);
  const screened = screenHead(outbound, {
    host: ctx.req.host,
    method: ctx.head.method,
    target: forward.target,
    headers: forward.headers,
    stripped: ctx.stripped ?? [],
  });
  // A clean head is answered at once: no promise and no turn of the queue per request.
  if (screened instanceof Promise) {
    return screened.then((done) => sendable(forward, outbound, done));
  }
  return sendable(forward, outbound, screened);
}

/** The screened head, checked against what this host was sent last, becomes the one to send. */
function sendable(
  forward: ForwardHead,
  outbound: OutboundContext,
  screened: ScreenResult,
): Decision | Promise<Decision> {
  if (screened.action === "deny") return screened;
  const { target } = screened;
  const split = judgeSeam(outbound, [outbound.seam.targets], { head: target, tail: target });
  if (split instanceof Promise) return split.then((found) => found ?? send(forward, screened));
  return split ?? send(forward, screened);
}

/** Make the screened head the one to send. */
function send(forward: ForwardHead, screened: { target: string; headers: HeaderList }): Decision {
  forward.target = screened.target;
  forward.headers = screened.headers;
  return ALLOW;
}
