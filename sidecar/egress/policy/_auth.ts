/**
 * Step 7: credentials. The agent's own `Authorization` and `Proxy-Authorization` are always
 * removed (it holds placeholders at best; what they carried is kept on the context for outbound
 * DLP); a route with `auth` also loses the agent's `x-api-key` and gets the real token injected,
 * in `Authorization` or, for scheme `x-api-key`, in that header. A route whose token slot is empty is
 * refused rather than forwarded without credentials, and so is a token too short for the
 * scanners to keep it from being echoed back to the agent.
 */
import { MIN_SECRET_ALNUM } from "../../../core/dlp/mod.ts";
import { ALLOW, deny } from "./_decision.ts";
import type { PolicyEnv } from "./_env.ts";
import type { Decision, PolicyContext, PolicyRoute } from "./types.ts";

/** The agent's credential headers: always removed, whatever the route. */
const STRIPPED = ["authorization", "proxy-authorization"];

/** The header Anthropic's API keys travel in. */
const API_KEY = "x-api-key";

const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;

/**
 * Whether a header of a request this step let through is the credential it injected (never the
 * agent's: `authorization` is always stripped, the key header is on a credential route).
 *
 * @param name A header name, any case.
 * @param route The request's route.
 * @returns True for the injected credential's header.
 */
export function isInjectedCredential(name: string, route: PolicyRoute | undefined): boolean {
  const lower = name.toLowerCase();
  return lower === "authorization" || (lower === API_KEY && route?.auth?.scheme === "x-api-key");
}

/** Strips agent credentials and injects the route's token, or denies with `missing_token`. */
export function auth(ctx: PolicyContext, env: PolicyEnv): Decision {
  const { req, route } = ctx;
  const stripped: (readonly [string, string])[] = [];
  for (const name of STRIPPED) {
    // Most requests carry neither: no copies, no rebuilt list.
    const values = req.headers.getAll(name);
    if (values.length === 0) continue;
    for (const value of values) stripped.push([name, value]);
    req.headers.delete(name);
  }
  ctx.stripped = stripped;
  if (route?.auth === undefined) return ALLOW;
  // On a credential route the agent's own key header is a placeholder too, whichever scheme.
  ctx.stripped = [
    ...ctx.stripped,
    ...req.headers.getAll(API_KEY).map((v) => [API_KEY, v] as const),
  ];
  req.headers.delete(API_KEY);
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
  if (scheme === "x-api-key") req.headers.set(API_KEY, token);
  else req.headers.set("authorization", `${scheme} ${token}`);
  return ALLOW;
}
