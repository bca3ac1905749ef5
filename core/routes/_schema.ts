/**
 * The egress route schema (SPEC §3, §6.1): one definition for the bottle manifest's
 * `egress.routes`, the sidecar's routes file and the supervise `egress-allow` proposals.
 */
import { z } from "zod";
import { listableDetectors } from "../dlp/mod.ts";
import { hostProblem } from "./_host.ts";
import { regexProblem } from "./_regex_safety.ts";

/** Environment variable names a route may take its token from. */
export const TOKEN_REF_PATTERN = /^[A-Z_][A-Z0-9_]*$/;

/** HTTP methods a `matches` entry may name (written in any case, stored upper case). */
export const HTTP_METHODS = Object.freeze(
  [
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "TRACE",
    "CONNECT",
  ] as const,
);

/** Outbound DLP detectors a route may list (the DLP registry's; some are opt-in). */
export const OUTBOUND_DETECTORS = listableDetectors("outbound");

/** Inbound DLP detectors a route may list (the DLP registry's). */
export const INBOUND_DETECTORS = listableDetectors("inbound");

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function check(problem: (value: string) => string | undefined) {
  return (value: string, ctx: z.core.$RefinementCtx<string>) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: "custom", message, input: value });
  };
}

function detectorList<T extends readonly [string, ...string[]]>(names: T, what: string) {
  return z.union([
    z.literal(false),
    z.array(z.enum(names)).min(1, {
      error: "must not be empty; write false to turn scanning off",
    }),
  ], { error: `must be false or a list of ${what} detectors: ${names.join(", ")}` });
}

/** `auth`: the credential the proxy injects; the agent never sees it. */
export const RouteAuthSchema = z.strictObject({
  scheme: z.enum(["Bearer", "token", "x-api-key"]).describe(
    "Authorization scheme: Bearer, token (Gitea-style `Authorization: token …`), or x-api-key " +
      "(the token alone in an `x-api-key` header, as Anthropic's API keys go)",
  ),
  token_ref: z.string().regex(TOKEN_REF_PATTERN, {
    error: "must name an environment variable: upper-case letters, digits and _ (e.g. GH_TOKEN)",
  }).describe("Name of the host environment variable that holds the token"),
}).describe("Credential injected by the egress proxy after stripping the agent's own");

/** One `paths` rule of a `matches` entry. */
export const PathMatchSchema = z.strictObject({
  type: z.enum(["prefix", "exact", "regex"]).default("prefix").describe(
    "prefix (whole path segments, or any continuation when the value ends with /), exact, " +
      "or regex (must match the whole path)",
  ),
  value: z.string().describe("The path (without query string) or regex to match"),
}).superRefine((rule, ctx) => {
  const problem = rule.type === "regex" ? regexProblem(rule.value) : pathProblem(rule.value);
  if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["value"] });
}).describe("A rule on the request path; the query string is never part of the match");

/** One `headers` rule of a `matches` entry. */
export const HeaderMatchSchema = z.strictObject({
  name: z.string().regex(HEADER_NAME, { error: "must be an HTTP header name" }).describe(
    "Header name, matched case-insensitively",
  ),
  value: z.string().describe("Exact value, or a regex that must match the whole value"),
  type: z.enum(["exact", "regex"]).default("exact").describe("exact or regex"),
}).superRefine((rule, ctx) => {
  const problem = rule.type === "regex"
    ? regexProblem(rule.value)
    : /[\r\n\0]/.test(rule.value)
    ? "must not contain line breaks"
    : undefined;
  if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["value"] });
}).describe("A rule on one request header");

/** One `matches` entry: every field given must match. */
export const MatchEntrySchema = z.strictObject({
  paths: z.array(PathMatchSchema).min(1).optional().describe(
    "The path must match at least one of these rules",
  ),
  methods: z.array(
    z.preprocess(
      (m) => typeof m === "string" ? m.toUpperCase() : m,
      z.enum(HTTP_METHODS),
    ),
  ).min(1).optional().describe("The method must be one of these"),
  headers: z.array(HeaderMatchSchema).min(1).optional().describe(
    "Every one of these header rules must match",
  ),
}).refine((e) => e.paths || e.methods || e.headers, {
  error: "must name at least one of paths, methods, headers",
}).describe("A filter entry; a request must match at least one entry");

/** `dlp`: per-route detector overrides; omitted means the registry's defaults. */
export const RouteDlpSchema = z.strictObject({
  outbound_detectors: detectorList(OUTBOUND_DETECTORS, "outbound").optional().describe(
    "false turns outbound scanning off; a list picks detectors (opt-in ones run only when listed)",
  ),
  inbound_detectors: detectorList(INBOUND_DETECTORS, "inbound").optional().describe(
    "false turns response scanning off; a list picks detectors",
  ),
}).describe("Per-route DLP detector overrides");

/** One egress route. */
export const RouteSchema = z.strictObject({
  host: z.string().min(1).superRefine(check(hostProblem)).transform((h) => h.toLowerCase())
    .describe("Exact host name (case-insensitive, stored lower case); no wildcards, no IPs"),
  auth: RouteAuthSchema.optional().describe("Credential to inject; omit for none"),
  matches: z.array(MatchEntrySchema).min(1, {
    error: "must not be empty; omit matches to allow every request to this host",
  }).optional().describe("Request filters; a request must match at least one entry"),
  dlp: RouteDlpSchema.optional().describe("DLP overrides; omit for the defaults"),
  outbound_on_match: z.enum(["supervise", "block", "redact"]).default("supervise").describe(
    "What an outbound DLP match does: hold for the operator, refuse, or scrub and forward",
  ),
  inbound_on_secret: z.enum(["redact", "block"]).default("redact").describe(
    "What a known secret or injected credential in a response does (an origin echoing it): " +
      "scrub it (same length) or refuse the response",
  ),
  git: z.strictObject({
    fetch: z.boolean().describe("Allow git clone/fetch (upload-pack); push is never allowed"),
  }).optional().describe("Git smart-HTTP access through this host"),
  allow_private: z.boolean().default(false).describe(
    "Let this host resolve to loopback or private addresses (SPEC §6.1 step 6)",
  ),
}).describe("One egress route: the only way a host becomes reachable");

/** A validated egress route. */
export type Route = z.infer<typeof RouteSchema>;

/** A route list: hosts must be unique, since the proxy looks routes up by exact host. */
export const RouteListSchema = z.array(RouteSchema).superRefine((routes, ctx) => {
  const dup = duplicateHost(routes);
  if (dup) {
    ctx.addIssue({
      code: "custom",
      path: [dup.index, "host"],
      message: `repeats "${dup.host}" (already routed by entry ${dup.first}); each host may ` +
        "have one route: merge the two",
    });
  }
}).describe("Egress routes, one per host");

/** The routes file: the same YAML as a bottle's `egress:` section. */
export const RoutesFileSchema = z.strictObject({
  log: z.literal([0, 1, 2]).default(0).describe(
    "0 refusals only, 1 also DLP warnings, 2 also every forwarded request",
  ),
  routes: RouteListSchema,
}).describe("The egress proxy's routes file");

/** A validated routes file. */
export type RoutesFile = z.infer<typeof RoutesFileSchema>;

/**
 * The first route whose host repeats an earlier one.
 *
 * @param routes Routes in order.
 * @returns Index and host of the repeat and the index of the first, or `undefined`.
 */
export function duplicateHost(
  routes: readonly { host: string }[],
): { index: number; first: number; host: string } | undefined {
  const seen = new Map<string, number>();
  for (const [index, route] of routes.entries()) {
    const host = route.host.toLowerCase();
    const first = seen.get(host);
    if (first !== undefined) return { index, first, host };
    seen.set(host, index);
  }
  return undefined;
}

function pathProblem(value: string): string | undefined {
  if (!value.startsWith("/")) return `must start with / (got ${JSON.stringify(value)})`;
  if (/[?#]/.test(value)) {
    return "must not contain ? or #: paths are matched without the query string";
  }
  if (/\s/.test(value)) return "must not contain whitespace";
  return undefined;
}

/**
 * Messages for route keys that are reserved or were renamed.
 *
 * @param key A key found on a route.
 * @returns The message, or `undefined` for an ordinary unknown key.
 */
export function routeKeyHint(key: string): string | undefined {
  switch (key) {
    case "role":
      return '"role" is reserved on routes and not accepted with any value; provider ' +
        "credentials come from agent_provider.auth_token";
    case "path_allowlist":
      return '"path_allowlist" was replaced by matches: [{paths: [{type: prefix, value: …}]}]';
    case "auth_scheme":
    case "token_env":
      return `"${key}" is not a route key; write auth: {scheme: …, token_ref: …}`;
    default:
      return undefined;
  }
}
