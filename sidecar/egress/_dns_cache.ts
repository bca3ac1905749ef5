/**
 * A short-lived cache in front of the system resolver. The policy checks the address it gets and
 * the proxy connects to exactly that address, so caching does not weaken the rebinding defence;
 * it only spares a getaddrinfo round trip per request on keep-alive traffic.
 */
import { lookup } from "node:dns/promises";

/** A resolved address, as the policy expects it. */
export interface CachedAddress {
  /** IP address. */
  address: string;
  /** 4 or 6. */
  family: number;
}

/** One cached name: the resolver's answer, and the answer itself once it came. */
interface Entry {
  expires: number;
  addresses: Promise<readonly CachedAddress[]>;
  answer?: readonly CachedAddress[];
}

/** Resolves names through the system resolver, remembering successes for `ttlMs`. */
export class DnsCache {
  #ttlMs: number;
  #max: number;
  #entries = new Map<string, Entry>();

  /** @param options How long answers live and how many names are kept. */
  constructor(options: { ttlMs?: number; max?: number } = {}) {
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#max = options.max ?? 1_000;
  }

  /**
   * Resolve a host name (failures are not cached).
   *
   * @param host Lowercase host name.
   * @returns Every address, as `lookup(host, { all: true })` gives them: at once when a live
   *   answer is cached (every request to a host asks), else once the resolver answers.
   */
  resolve(host: string): readonly CachedAddress[] | Promise<readonly CachedAddress[]> {
    const now = Date.now();
    const hit = this.#entries.get(host);
    if (hit !== undefined && hit.expires > now) return hit.answer ?? hit.addresses;
    if (this.#entries.size >= this.#max) this.#entries.clear();
    const addresses = lookup(host, { all: true, verbatim: true });
    const entry: Entry = { expires: now + this.#ttlMs, addresses };
    this.#entries.set(host, entry);
    addresses.then((answer) => entry.answer = answer, () => this.#entries.delete(host));
    return addresses;
  }
}
