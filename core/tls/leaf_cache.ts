/** A bounded cache of leaf certificates, one per intercepted host. */
import type { IssuedLeaf, IssueLeafOptions } from "./certificate_authority.ts";
import { parseHost } from "./_host.ts";

/** Anything that mints leaves; a {@link CertificateAuthority} in production. */
export interface LeafIssuer {
  /** Mint a leaf certificate for `host`. */
  issueLeaf(host: string, options?: IssueLeafOptions): Promise<IssuedLeaf>;
}

/** Options of {@link LeafCache}. */
export interface LeafCacheOptions {
  /** Most hosts kept; the least recently used is dropped first (default 1000). */
  max?: number;
  /** The current time; tests pass a fake clock to cross a leaf's expiry. */
  clock?: () => Date;
}

interface Entry {
  readonly leaf: Promise<IssuedLeaf>;
  readonly timing: Renewal;
}

interface Renewal {
  /** When the leaf must be replaced (epoch ms); unbounded while the mint is in flight. */
  renewAt: number;
}

/** A leaf is replaced this long before it expires, so no handshake races its expiry. */
const RENEW_MARGIN_MS = 5 * 60_000;

/**
 * Leaf certificates for intercepted hosts, minted on first use and kept in an LRU.
 *
 * Concurrent requests for one host share one mint. A failed mint is not cached. A host's leaf
 * is the same object until it is renewed, so a holder can tell a renewal by identity. Servers
 * present the leaf alone: clients already trust the CA, and RFC 8446 §4.4.2 lets a server omit
 * the trust anchor, which saves a few hundred bytes on every handshake.
 */
export class LeafCache {
  readonly #issuer: LeafIssuer;
  readonly #max: number;
  readonly #clock: () => Date;
  readonly #entries = new Map<string, Entry>();

  /**
   * @param issuer The CA that mints the leaves.
   * @param options Capacity and clock.
   * @throws {RangeError} When `max` is not a positive integer.
   */
  constructor(issuer: LeafIssuer, options: LeafCacheOptions = {}) {
    const max = options.max ?? 1000;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Cannot create LeafCache: max must be a positive integer, got ${max}`);
    }
    this.#issuer = issuer;
    this.#max = max;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Number of hosts cached, including mints in flight. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The leaf for `host`: the one cached, or a new one once it is due for renewal.
   *
   * @param host The SNI name or the CONNECT host; case is ignored.
   * @returns The leaf, its key and its expiry.
   * @throws {TypeError} When the host is neither a DNS name nor an IP literal.
   * @throws {CaFileError} When the CA is expired.
   */
  leaf(host: string): Promise<IssuedLeaf> {
    let name: string;
    try {
      // Validated before touching the map, so junk SNI names cannot evict good entries.
      name = parseHost(host).name;
    } catch (err) {
      return Promise.reject(err);
    }
    const now = this.#clock();
    const cached = this.#entries.get(name);
    this.#entries.delete(name);
    if (cached && now.getTime() < cached.timing.renewAt) {
      this.#entries.set(name, cached);
      return cached.leaf;
    }
    const timing = { renewAt: Infinity };
    const entry: Entry = { leaf: this.#mint(name, now, timing), timing };
    this.#entries.set(name, entry);
    entry.leaf.catch(() => {
      if (this.#entries.get(name) === entry) this.#entries.delete(name);
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      this.#entries.delete(oldest);
    }
    return entry.leaf;
  }

  async #mint(name: string, now: Date, timing: Renewal): Promise<IssuedLeaf> {
    const leaf = await this.#issuer.issueLeaf(name, { now });
    timing.renewAt = leaf.notAfter.getTime() - RENEW_MARGIN_MS;
    return leaf;
  }
}
