/**
 * The head that leaves for the upstream: hop-by-hop headers dropped (an `Upgrade` kept when the
 * client asked for one), `Expect` answered by the proxy itself, `Host` naming the upstream, and
 * `Accept-Encoding` narrowed to what inbound DLP can decode. The outbound DLP step scans this
 * head, so what is scanned is exactly what is sent.
 */
import { stripHopByHop } from "../http1/mod.ts";
import { ALLOW, type Decision } from "./policy/mod.ts";
import type { ExchangeContext } from "./_exchange_context.ts";

/** Encodings inbound DLP can decode to scan, so the proxy offers only these upstream. */
const ACCEPTED_ENCODINGS = "gzip, deflate, br";

/**
 * The forward-head step.
 *
 * @param ctx The request; its `forward` is set.
 * @returns Always allow.
 */
export function forwardHead(ctx: ExchangeContext): Decision {
  const { req, head } = ctx;
  const upgrade = head.headers.has("upgrade");
  const expectsContinue = (head.headers.get("expect") ?? "").toLowerCase() === "100-continue";
  const headers = stripHopByHop(head.headers, { keepUpgrade: upgrade });
  headers.delete("expect");
  const defaultPort = req.scheme === "https" ? 443 : 80;
  headers.set("Host", req.port === defaultPort ? req.host : `${req.host}:${req.port}`);
  if (headers.has("accept-encoding")) headers.set("Accept-Encoding", ACCEPTED_ENCODINGS);
  ctx.forward = {
    target: `${req.path}${req.query === "" ? "" : `?${req.query}`}`,
    headers,
    upgrade,
    expectsContinue,
  };
  return ALLOW;
}
