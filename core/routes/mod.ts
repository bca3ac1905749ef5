/**
 * Egress routes (SPEC §3 `egress`, §6.1): the zod schema shared by the CLI (a bottle's
 * `egress.routes`) and the sidecar (its routes file), the routes file reader and writer, and the
 * pure `matches` filter.
 *
 * Rules worth knowing: hosts are exact DNS names, stored lower case; `*` is an error (wildcards
 * match nothing) and so is an IP literal; a host may have only one route in a list; `role` is
 * reserved; methods may be written in any case and are stored upper case; regexes must compile,
 * must not be prone to catastrophic backtracking, and match the whole path or header value.
 * Paths are matched without the query string; `prefix` matches whole path segments unless the
 * value ends with `/` (see `compileRoute` for the full `matches` semantics).
 *
 * @module
 * @example
 * ```ts
 * import { compileRoute, parseRoutesFile, stringifyRoutesFile } from "./mod.ts";
 * const file = parseRoutesFile(
 *   "routes:\n  - host: API.GitHub.com\n    matches:\n      - methods: [get]\n",
 *   "/state/routes.yaml",
 * );
 * const route = file.routes[0]!;
 * console.assert(route.host === "api.github.com");
 * const matcher = compileRoute(route);
 * console.assert(matcher.match({ method: "GET", path: "/user", headers: {} }).action === "allow");
 * console.assert(matcher.match({ method: "POST", path: "/user", headers: {} }).action === "deny");
 * console.assert(parseRoutesFile(stringifyRoutesFile(file), "x").routes[0]!.host === route.host);
 * ```
 */
export {
  duplicateHost,
  HeaderMatchSchema,
  HTTP_METHODS,
  INBOUND_DETECTORS,
  MatchEntrySchema,
  OUTBOUND_DETECTORS,
  PathMatchSchema,
  type Route,
  RouteAuthSchema,
  RouteDlpSchema,
  routeKeyHint,
  RouteListSchema,
  RouteSchema,
  type RoutesFile,
  RoutesFileSchema,
  TOKEN_REF_PATTERN,
} from "./_schema.ts";
export {
  type CompiledRoute,
  compileRoute,
  type MatchDecision,
  type RequestParts,
  routeMatches,
} from "./_match.ts";
export { parseRoutesFile, routeToPlain, stringifyRoutesFile } from "./_routes_file.ts";
export { hostProblem } from "./_host.ts";
export { regexProblem } from "./_regex_safety.ts";
