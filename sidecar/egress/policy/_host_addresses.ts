/** This machine's own addresses, compared in canonical form (`::ffff:10.0.0.2` is `10.0.0.2`). */
import { networkInterfaces } from "node:os";
import { canonicalAddress } from "./_ip.ts";

/** Membership test against the addresses a getter returns, re-canonicalised when they change. */
export class HostAddresses {
  #source: () => ReadonlySet<string>;
  #seen: ReadonlySet<string> | undefined;
  #canonical = new Set<string>();

  /** @param source Returns the same set until the addresses change. */
  constructor(source: () => ReadonlySet<string>) {
    this.#source = source;
  }

  /** Whether an address belongs to this machine. */
  has(address: string): boolean {
    const current = this.#source();
    if (current !== this.#seen) {
      this.#canonical = new Set([...current].map((a) => canonicalAddress(a) ?? a));
      this.#seen = current;
    }
    return this.#canonical.has(canonicalAddress(address) ?? address);
  }
}

/**
 * A getter for the interface addresses, re-read at most every `ttlMs` so a network attached after
 * start (`docker network connect`) is picked up without a syscall per request.
 */
export function interfaceAddresses(ttlMs = 5_000): () => ReadonlySet<string> {
  let readAt = -Infinity;
  let addresses: ReadonlySet<string> = new Set();
  return () => {
    const now = performance.now();
    if (now - readAt >= ttlMs) {
      const next = Object.values(networkInterfaces()).flatMap((list) =>
        (list ?? []).map((info) => info.address)
      );
      addresses = new Set(next);
      readAt = now;
    }
    return addresses;
  };
}
