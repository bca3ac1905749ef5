/**
 * The data the egress policy pipeline reads and returns. Structural on purpose: the route schema
 * (`core/routes/`) and the proxy's socket code own the real types; anything shaped like these fits.
 *
 * @module
 */

/** The request may go on to the next step (and, after the last one, upstream). */
export interface AllowDecision {
  /** Discriminant. */
  action: "allow";
}

/** The request is refused; the proxy answers with `blockResponse()`. */
export interface DenyDecision {
  /** Discriminant. */
  action: "deny";
  /** Machine-readable rule name, e.g. `no_route`; also sent as `X-Bot-Bottle-Block`. */
  rule: string;
  /** Specific, secret-free explanation for the agent and the log. */
  reason: string;
  /** HTTP status the proxy answers with (403 for policy blocks). */
  status: number;
  /** The DLP finding behind a DLP refusal: what the log records about it. */
  finding?: FindingSummary;
}

/** What a refusal says about the DLP finding behind it; every field is safe to log. */
export interface FindingSummary {
  /** The detector that matched, e.g. `token_patterns`. */
  detector: string;
  /** The rule inside the detector, e.g. `github_pat`. */
  rule: string;
  /** Where the match was: `url`, `header:x-api-key`, `body`. */
  location: string;
  /** The redacted excerpt (never the secret). */
  snippet: string;
}

/** A response the proxy writes itself instead of forwarding (used by introspection). */
export interface PolicyResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers in order, as name/value pairs. */
  headers: [string, string][];
  /** Response body (UTF-8). */
  body: string;
}

/** The proxy answers locally with this response; nothing goes upstream. */
export interface RespondDecision extends PolicyResponse {
  /** Discriminant. */
  action: "respond";
}

/** What a policy step (or the whole pipeline) decided; decisions are data, never exceptions. */
export type Decision = AllowDecision | DenyDecision | RespondDecision;

/** Case-insensitive view of the request headers that the pipeline may read and rewrite. */
export interface HeaderView {
  /** First value of the header, or nothing when absent. */
  get(name: string): string | null | undefined;
  /** Every value of the header, in order (empty when absent). */
  getAll(name: string): readonly string[];
  /** Replace every value of the header with one value. */
  set(name: string, value: string): void;
  /** Remove every value of the header. */
  delete(name: string): void;
}

/** One request as the proxy saw it, built once per request (inside tunnels: after TLS). */
export interface EgressRequest {
  /** `https` inside a terminated CONNECT tunnel, `http` otherwise. */
  scheme: "http" | "https";
  /** `host:port` from the CONNECT line when the request came through a tunnel. */
  connectAuthority?: string | undefined;
  /** TLS SNI sent by the client in a tunnel (absent when the client sent none). */
  sni?: string | undefined;
  /** Request method as received. */
  method: string;
  /** Request-target as received: origin-form in tunnels, absolute-form for plain proxying. */
  target: string;
  /** Lowercased host the proxy will route on (from the Host header or absolute URI; no port). */
  host: string;
  /** Upstream port the proxy will connect to. */
  port: number;
  /** Path without the query. */
  path: string;
  /** Raw query without the leading `?`. */
  query: string;
  /** The request headers; the auth step rewrites them in place. */
  headers: HeaderView;
}

/** Credential injection of a route (token values never appear here, only their names). */
export interface PolicyRouteAuth {
  /** `Authorization` scheme to inject. */
  scheme: "Bearer" | "token" | "x-api-key";
  /** Name of the token slot whose value the proxy injects. */
  token_ref: string;
}

/** The fields of a route (`core/routes/` `Route`) the pipeline needs; the real route fits. */
export interface PolicyRoute {
  /** Exact upstream host. */
  host: string;
  /** Token injection, when the route has one. */
  auth?: PolicyRouteAuth | undefined;
  /** `fetch: true` allows smart-HTTP clone/fetch through this host. */
  git?: { fetch?: boolean | undefined } | undefined;
  /** Allows private and loopback upstream addresses (never cloud metadata addresses). */
  allow_private?: boolean | undefined;
  /** Request filters; evaluated by the injected matcher, echoed by introspection. */
  matches?: unknown;
  /** DLP settings; echoed by introspection. */
  dlp?: unknown;
  /** DLP action; echoed by introspection. */
  outbound_on_match?: unknown;
  /** Response DLP action; echoed by introspection. */
  inbound_on_secret?: unknown;
}

/** The exact address the proxy must connect to: the one the policy checked. */
export interface Upstream {
  /** IP address (or, for a `--connect-to` mapping, its resolved address). */
  address: string;
  /** Address family. */
  family: 4 | 6;
  /** TCP port. */
  port: number;
  /** TLS server name for the upstream handshake; empty for IP-literal hosts. */
  servername: string;
}

/** Per-request state the steps fill in as they run. */
export interface PolicyContext<R extends PolicyRoute = PolicyRoute> {
  /** The request being decided. */
  readonly req: EgressRequest;
  /** The route found by exact host lookup. */
  route?: R;
  /** The checked upstream address. */
  upstream?: Upstream;
  /** The agent's own credential headers, removed by the auth step (never sent; still scanned). */
  stripped?: readonly (readonly [string, string])[];
}

/** A resolved address, as `node:dns/promises` `lookup(host, { all: true })` returns it. */
export interface ResolvedAddress {
  /** IP address. */
  address: string;
  /** 4 or 6. */
  family: number;
}

/** A `--connect-to HOST:PORT=ADDR:PORT` target. */
export interface ConnectTarget {
  /** Address (or host name) to connect to instead. */
  address: string;
  /** Port to connect to instead. */
  port: number;
}

/** What the routing steps need from the proxy (see `routingEnv`). */
export interface PolicyOptions<R extends PolicyRoute = PolicyRoute> {
  /** Live routes; the host index is rebuilt only when this returns a new array. */
  routes: () => readonly R[];
  /** The route's `matches` filter (the proxy wires `core/routes/`'s matcher). */
  matchRequest: (route: R, req: EgressRequest) => Decision;
  /** Token value for a `token_ref`, or nothing when the slot is empty. */
  tokenFor: (tokenRef: string) => string | undefined;
  /** Resolver; defaults to `node:dns/promises` `lookup` with `all: true`. */
  lookup?:
    | ((host: string) => readonly ResolvedAddress[] | Promise<readonly ResolvedAddress[]>)
    | undefined;
  /**
   * `--connect-to` map keyed by `host:port` (host lowercase, IPv6 without brackets); a mapped
   * target is used as is, without the address check.
   */
  connectTo?: ReadonlyMap<string, ConnectTarget> | undefined;
  /** This machine's own addresses; defaults to `node:os` `networkInterfaces()`. */
  hostAddresses?: (() => ReadonlySet<string>) | undefined;
}
