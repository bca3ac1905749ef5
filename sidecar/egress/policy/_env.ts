/** The long-lived state every step reads, built once per policy from its options. */
import { lookup as dnsLookup } from "node:dns/promises";
import { HostAddresses, interfaceAddresses } from "./_host_addresses.ts";
import { RouteIndex } from "./_route_index.ts";
import type {
  ConnectTarget,
  Decision,
  EgressRequest,
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
  /** Resolver for upstream host names (a cached answer may come at once). */
  lookup: (host: string) => readonly ResolvedAddress[] | Promise<readonly ResolvedAddress[]>;
  /** `--connect-to` overrides keyed by lowercase `host:port`. */
  connectTo: ReadonlyMap<string, ConnectTarget>;
  /** This machine's own addresses. */
  hostAddresses: HostAddresses;
}

/** Builds the routing steps' environment, filling in the system defaults. */
export function routingEnv<R extends PolicyRoute>(options: PolicyOptions<R>): PolicyEnv<R> {
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
