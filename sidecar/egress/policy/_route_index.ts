/** Exact-host route index, rebuilt only when the live routes array is replaced (SIGHUP reload). */
import type { PolicyRoute } from "./types.ts";

/** Maps a lowercase host to its route, following the live routes getter. */
export class RouteIndex<R extends PolicyRoute> {
  #source: () => readonly R[];
  #indexed: readonly R[] | undefined;
  #byHost = new Map<string, R>();

  /** @param source The live routes getter. */
  constructor(source: () => readonly R[]) {
    this.#source = source;
  }

  /** The route for a lowercase host, if any. */
  get(host: string): R | undefined {
    const routes = this.#source();
    if (routes !== this.#indexed) this.#rebuild(routes);
    return this.#byHost.get(host);
  }

  #rebuild(routes: readonly R[]): void {
    const byHost = new Map<string, R>();
    // The loader already drops duplicates (provider routes first); if any slip through, the
    // first one wins so a later manifest route cannot widen a provider route.
    for (const route of routes) {
      const host = route.host.toLowerCase();
      if (!byHost.has(host)) byHost.set(host, route);
    }
    this.#byHost = byHost;
    this.#indexed = routes;
  }
}
