/** Test doubles shared by this folder's tests: a header list and a request builder. */
import { ALLOW } from "./_decision.ts";
import { type PolicyEnv, routingEnv } from "./_env.ts";
import type { EgressRequest, HeaderView, PolicyOptions, PolicyRoute } from "./types.ts";

/** An ordered, case-insensitive header list like the proxy's. */
export class TestHeaders implements HeaderView {
  #list: [string, string][];

  /** @param list Initial headers, in order. */
  constructor(list: [string, string][] = []) {
    this.#list = [...list];
  }

  /** First value of a header. */
  get(name: string): string | undefined {
    return this.getAll(name)[0];
  }

  /** Every value of a header. */
  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.#list.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  }

  /** Replaces a header. */
  set(name: string, value: string): void {
    this.delete(name);
    this.#list.push([name, value]);
  }

  /** Removes a header. */
  delete(name: string): void {
    const lower = name.toLowerCase();
    this.#list = this.#list.filter(([n]) => n.toLowerCase() !== lower);
  }

  /** Every header, in order. */
  entries(): [string, string][] {
    return [...this.#list];
  }
}

/** Overrides for {@link request}; `headers` is a plain list. */
export type RequestOverrides = Partial<Omit<EgressRequest, "headers">> & {
  headers?: [string, string][];
};

/**
 * A tunnelled HTTPS request to `api.github.com` whose every host element agrees, with overrides.
 * Without a `host` header override, one is derived from `host`.
 */
export function request(
  overrides: RequestOverrides = {},
): EgressRequest & { headers: TestHeaders } {
  const host = overrides.host ?? "api.github.com";
  const { headers, ...rest } = overrides;
  return {
    scheme: "https",
    connectAuthority: `${host}:443`,
    sni: host,
    method: "GET",
    target: "/user",
    port: 443,
    path: "/user",
    query: "",
    ...rest,
    host,
    headers: new TestHeaders(headers ?? [["Host", host]]),
  };
}

/** A step environment with harmless defaults: no routes, allow-all matcher, public DNS answer. */
export function testEnv<R extends PolicyRoute = PolicyRoute>(
  options: Partial<PolicyOptions<R>> = {},
): PolicyEnv<R> {
  return routingEnv<R>({
    routes: () => [],
    matchRequest: () => ALLOW,
    tokenFor: () => undefined,
    lookup: () => Promise.resolve([{ address: "140.82.112.6", family: 4 }]),
    hostAddresses: () => new Set(),
    ...options,
  });
}
