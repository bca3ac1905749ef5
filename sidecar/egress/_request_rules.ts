/**
 * Refusals that depend on how a request is framed rather than where it goes, checked once the
 * route is known and before anything is sent upstream. Each one closes a way around the scanners:
 * a method that echoes the request (and its injected credential), plain-http credentials,
 * compressed bodies, upgrades the scanners cannot follow.
 */
import type { Route } from "../../core/routes/mod.ts";
import type { HeaderList } from "../http1/mod.ts";
import { ALLOW, type Decision, type DenyDecision } from "./policy/mod.ts";
import type { ExchangeContext } from "./_exchange_context.ts";

/** What the rules look at. */
interface RuleInput {
  /** `http` for plain proxying, `https` inside a tunnel. */
  scheme: "http" | "https";
  /** Upstream host, for messages. */
  host: string;
  /** The request method. */
  method: string;
  /** The request headers as the client sent them. */
  headers: HeaderList;
  /** The matched route. */
  route: Route;
}

/**
 * The framing step: refuse a request whose framing would slip past the scanners.
 *
 * @param ctx The request, its route known.
 * @returns Allow, or the first rule it breaks.
 */
export function framing(ctx: ExchangeContext): Decision {
  if (ctx.route === undefined) throw new TypeError("framing ran before route lookup");
  return requestRefusal({
    scheme: ctx.req.scheme,
    host: ctx.req.host,
    method: ctx.req.method,
    headers: ctx.head.headers,
    route: ctx.route,
  }) ?? ALLOW;
}

/**
 * The first rule the request breaks, if any.
 *
 * @param input Scheme, host, headers and route.
 * @returns A deny, or undefined when the request may go on.
 */
function requestRefusal(input: RuleInput): DenyDecision | undefined {
  const { scheme, host, method, headers, route } = input;
  if (ECHO_METHODS.has(method.toUpperCase()) && !allowsTrace(route)) {
    return deny(
      "trace",
      `${method} echoes the request, injected credentials included, back to the agent; a route ` +
        `must list TRACE in a matches entry's methods to allow it`,
    );
  }
  if (scheme === "http" && route.auth !== undefined) {
    return deny(
      "plaintext_auth",
      `the route for "${host}" injects a credential, which is never sent over plain http; use https`,
    );
  }
  const encoding = (headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "") {
    return deny(
      "unscannable_body",
      `request bodies with content-encoding "${encoding}" cannot be scanned; send them uncompressed`,
    );
  }
  if (headers.has("upgrade")) {
    const protocol = (headers.get("upgrade") ?? "").trim().toLowerCase();
    if (protocol !== "websocket") {
      return deny("upgrade", `upgrading to "${protocol}" is not supported through the proxy`);
    }
    if (route.auth !== undefined) {
      return deny(
        "upgrade",
        `the route for "${host}" injects a credential, and WebSocket frames cannot be scanned ` +
          "for it being echoed back; the upgrade is refused",
      );
    }
    if (scansAnything(route)) {
      return deny(
        "upgrade",
        `WebSocket frames to "${host}" cannot be scanned yet; a route must turn off both DLP directions (dlp: {outbound_detectors: false, inbound_detectors: false}) to allow them`,
      );
    }
  }
  return undefined;
}

/** Methods whose answer is the request itself (TRACK is IIS's TRACE). */
const ECHO_METHODS: ReadonlySet<string> = new Set(["TRACE", "TRACK"]);

function allowsTrace(route: Route): boolean {
  return route.matches?.some((entry) => entry.methods?.includes("TRACE")) ?? false;
}

function scansAnything(route: Route): boolean {
  return route.dlp?.outbound_detectors !== false || route.dlp?.inbound_detectors !== false;
}

function deny(rule: string, reason: string): DenyDecision {
  return { action: "deny", rule, reason, status: 403 };
}
