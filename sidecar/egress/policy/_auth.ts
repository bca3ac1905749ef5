/**
 * Step 7: credentials. The agent's own `Authorization` and `Proxy-Authorization` are always
 * removed (it holds placeholders at best; what they carried is kept on the context for outbound
 * DLP); a route with `auth` gets the real token injected. A route whose token slot is empty is
 * refused rather than forwarded without credentials, and so is a token too short for the
 * scanners to keep it from being echoed back to the agent.
 */
import { MIN_SECRET_ALNUM } from "../../../core/dlp/mod.ts";
import { ALLOW, deny } from "./_decision.ts";
import type { PolicyEnv } from "./_env.ts";
import type { Decision, PolicyContext } from "./types.ts";

/** The agent's credential headers: always removed, whatever the route. */
const STRIPPED = ["authorization", "proxy-authorization"];

const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;

/** Strips agent credentials and injects the route's token, or denies with `missing_token`. */
export function auth(ctx: PolicyContext, env: PolicyEnv): Decision {
  const { req, route } = ctx;
  ctx.stripped = STRIPPED.flatMap((name) =>
    req.headers.getAll(name).map((v) => [name, v] as const)
  );
  for (const name of STRIPPED) req.headers.delete(name);
  if (route?.auth === undefined) return ALLOW;
  const { scheme, token_ref: ref } = route.auth;
  const token = env.tokenFor(ref);
  if (token === undefined || token === "") {
    return deny(
      "missing_token",
      `route "${route.host}" injects token "${ref}" but the egress daemon has no value for it`,
    );
  }
  if (!HEADER_SAFE_TOKEN.test(token)) {
    // Never echo the value: it is a real credential, just a malformed one.
    return deny(
      "missing_token",
      `token "${ref}" for route "${route.host}" is not a valid header value`,
    );
  }
  if ((token.match(/[A-Za-z0-9]/g)?.length ?? 0) < MIN_SECRET_ALNUM) {
    return deny(
      "missing_token",
      `token "${ref}" for route "${route.host}" has fewer than ${MIN_SECRET_ALNUM} letters and ` +
        "digits: too short for the scanners to keep an origin from echoing it to the agent",
    );
  }
  req.headers.set("authorization", `${scheme} ${token}`);
  return ALLOW;
}
