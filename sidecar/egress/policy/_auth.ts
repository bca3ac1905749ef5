/**
 * Step 7: credentials. The agent's own `Authorization` and `Proxy-Authorization` are always
 * removed (it holds placeholders at best); a route with `auth` gets the real token injected. A
 * route whose token slot is empty is refused rather than forwarded without credentials.
 */
import { ALLOW, deny } from "./_decision.ts";
import type { PolicyEnv } from "./_env.ts";
import type { Decision, PolicyContext } from "./types.ts";

const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;

/** Strips agent credentials and injects the route's token, or denies with `missing_token`. */
export function auth(ctx: PolicyContext, env: PolicyEnv): Decision {
  const { req, route } = ctx;
  req.headers.delete("authorization");
  req.headers.delete("proxy-authorization");
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
  req.headers.set("authorization", `${scheme} ${token}`);
  return ALLOW;
}
