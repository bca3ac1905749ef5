/** The long-lived state every step reads, built once per policy from its options. */
import { lookup as dnsLookup } from "node:dns/promises";
import { HostAddresses, interfaceAddresses } from "./_host_addresses.ts";
import { RouteIndex } from "./_route_index.ts";
import type {
  ConnectTarget,
  Decision,
  EgressRequest,
  PolicyContext,
  PolicyOptions,
  PolicyRoute,
  ResolvedAddress,
} from "./types.ts";

/** What a step may use besides the request context. */
export interface PolicyEnv<R extends PolicyRoute = PolicyRoute> {
  /** The live routes as configured. */
  routes: () => readonly R[];
  /** Exact-host index over {@link PolicyEnv.routes}. */
  index: RouteIndex<R>;
  /** The injected `matches` filter (method syntax: steps see it through the base route type). */
  matchRequest(route: R, req: EgressRequest): Decision;
  /** Token value for a slot name. */
  tokenFor: (tokenRef: string) => string | undefined;
  /** Resolver for upstream host names. */
  lookup: (host: string) => Promise<readonly ResolvedAddress[]>;
  /** `--connect-to` overrides keyed by lowercase `host:port`. */
  connectTo: ReadonlyMap<string, ConnectTarget>;
  /** This machine's own addresses. */
  hostAddresses: HostAddresses;
}

/** One decision step; it may fill in the context, and throwing counts as a deny. */
export type Step<R extends PolicyRoute = PolicyRoute> = (
  ctx: PolicyContext<R>,
  env: PolicyEnv<R>,
) => Decision | Promise<Decision>;

/** Builds the step environment, filling in the system defaults. */
export function createEnv<R extends PolicyRoute>(options: PolicyOptions<R>): PolicyEnv<R> {
  return {
    routes: options.routes,
    index: new RouteIndex(options.routes),
    matchRequest: options.matchRequest,
    tokenFor: options.tokenFor,
    lookup: options.lookup ?? systemLookup,
    connectTo: options.connectTo ?? new Map(),
    hostAddresses: new HostAddresses(options.hostAddresses ?? interfaceAddresses()),
  };
}

function systemLookup(host: string): Promise<readonly ResolvedAddress[]> {
  return dnsLookup(host, { all: true });
}
