/**
 * The `matches` filter (SPEC §6.1 step 5), as a pure decision.
 *
 * Semantics (Gateway API HTTPRoute vocabulary):
 * - no `matches` → every request to the host passes this step;
 * - otherwise a request must match at least one entry, and within an entry every field given
 *   must match: the path matches any one of `paths`, the method is one of `methods`, and every
 *   `headers` rule matches;
 * - paths are compared without the query string or fragment, byte for byte (no decoding);
 *   `prefix` matches whole segments (`/repos/a` matches `/repos/a` and `/repos/a/x`, not
 *   `/repos/ab`), or any continuation when the value ends with `/`; `regex` must match the
 *   whole path; a path holding dot segments or encoded separators is refused whenever a path
 *   rule must judge it, since upstreams may resolve it somewhere else;
 * - header names are case-insensitive; `exact` compares the value as is, `regex` must match the
 *   whole value; a missing header fails its rule;
 * - methods are compared upper case.
 */
import type { Route } from "./_schema.ts";

/** The parts of a request the filter looks at. */
export interface RequestParts {
  /** HTTP method, any case. */
  method: string;
  /** Request target path, possibly with a query string. */
  path: string;
  /** Request headers. */
  headers: Headers | Readonly<Record<string, string | undefined>>;
}

/** The filter's verdict. */
export type MatchDecision = { action: "allow" } | { action: "deny"; reason: string };

/** A route with its regexes compiled once, ready to judge many requests. */
export interface CompiledRoute {
  /** The route it was compiled from. */
  readonly route: Route;
  /**
   * Judge one request against the route's `matches`.
   *
   * @param request The request.
   * @returns allow, or deny with the reason to show the agent and the operator.
   */
  match(request: RequestParts): MatchDecision;
}

type Test = (value: string) => boolean;

interface CompiledEntry {
  paths: Test[] | undefined;
  methods: ReadonlySet<string> | undefined;
  headers: { name: string; test: Test }[] | undefined;
}

// Dot segments, including `..;x` (Tomcat and Spring treat a `;` parameter as part of the
// segment and still resolve `..`), encoded slashes and backslashes.
const UNSAFE_PATH = /(^|\/)(\.|%2e){1,2}(;[^/]*)?(\/|$)|%2f|%5c|\\/i;

/**
 * Compile a route's `matches` filter.
 *
 * @param route A validated route.
 * @returns The matcher; its regexes are compiled here, once.
 */
export function compileRoute(route: Route): CompiledRoute {
  const entries = route.matches?.map(compileEntry);
  const hasPathRules = entries?.some((e) => e.paths !== undefined) ?? false;
  return {
    route,
    match(request: RequestParts): MatchDecision {
      if (!entries) return { action: "allow" };
      const method = request.method.toUpperCase();
      const path = request.path.replace(/[?#].*$/s, "");
      if (hasPathRules && (!path.startsWith("/") || UNSAFE_PATH.test(path))) {
        return {
          action: "deny",
          reason: `path ${JSON.stringify(path)} has dot segments, encoded separators or no ` +
            `leading /, which the path rules of route "${route.host}" cannot judge`,
        };
      }
      const header = headerReader(request.headers);
      const ok = entries.some((e) =>
        (!e.methods || e.methods.has(method)) &&
        (!e.paths || e.paths.some((test) => test(path))) &&
        (!e.headers || e.headers.every((h) => {
          const value = header(h.name);
          return value !== undefined && h.test(value);
        }))
      );
      if (ok) return { action: "allow" };
      const n = entries.length;
      return {
        action: "deny",
        reason: `${method} ${path} matches none of the ${n} matches ${
          n === 1 ? "entry" : "entries"
        } of route "${route.host}"`,
      };
    },
  };
}

/**
 * Judge one request against a route's `matches` (compiles the route on every call; keep a
 * {@link compileRoute} result for repeated use).
 *
 * @param route A validated route.
 * @param request The request.
 * @returns allow, or deny with a reason.
 */
export function routeMatches(route: Route, request: RequestParts): MatchDecision {
  return compileRoute(route).match(request);
}

function compileEntry(entry: NonNullable<Route["matches"]>[number]): CompiledEntry {
  return {
    paths: entry.paths?.map((p) =>
      p.type === "regex"
        ? fullMatch(p.value)
        : p.type === "exact"
        ? (path: string) => path === p.value
        : prefixTest(p.value)
    ),
    methods: entry.methods ? new Set(entry.methods) : undefined,
    headers: entry.headers?.map((h) => ({
      name: h.name.toLowerCase(),
      test: h.type === "regex" ? fullMatch(h.value) : (v: string) => v === h.value,
    })),
  };
}

function prefixTest(prefix: string): Test {
  if (prefix.endsWith("/")) return (path) => path.startsWith(prefix);
  return (path) => path === prefix || path.startsWith(`${prefix}/`);
}

function fullMatch(pattern: string): Test {
  const re = new RegExp(`^(?:${pattern})$`);
  return (value) => re.test(value);
}

function headerReader(headers: RequestParts["headers"]): (name: string) => string | undefined {
  if (headers instanceof Headers) return (name) => headers.get(name) ?? undefined;
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) lower.set(k.toLowerCase(), v);
  }
  return (name) => lower.get(name);
}
