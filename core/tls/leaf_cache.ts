/** A bounded cache of TLS server contexts, one per intercepted host. */
import { createSecureContext, type SecureContext } from "node:tls";
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
  readonly context: Promise<SecureContext>;
  readonly timing: Renewal;
}

interface Renewal {
  /** When the context must be replaced (epoch ms); unbounded while the mint is in flight. */
  renewAt: number;
}

/** A leaf is replaced this long before it expires, so no handshake races its expiry. */
const RENEW_MARGIN_MS = 5 * 60_000;

/**
 * TLS server contexts for intercepted hosts, minted on first use and kept in an LRU.
 *
 * Concurrent requests for one host share one mint. A failed mint is not cached. The context
 * holds only the leaf: clients already trust the CA, and RFC 8446 §4.4.2 lets a server omit the
 * trust anchor, which saves a few hundred bytes on every handshake.
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
   * The server context for `host`, for an `SNICallback` or a `TLSSocket`'s `secureContext`.
   *
   * @param host The SNI name or the CONNECT host; case is ignored.
   * @returns A context presenting a leaf for the host.
   * @throws {TypeError} When the host is neither a DNS name nor an IP literal.
   * @throws {CaFileError} When the CA is expired.
   */
  secureContext(host: string): Promise<SecureContext> {
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
      return cached.context;
    }
    const timing = { renewAt: Infinity };
    const entry: Entry = { context: this.#mint(name, now, timing), timing };
    this.#entries.set(name, entry);
    entry.context.catch(() => {
      if (this.#entries.get(name) === entry) this.#entries.delete(name);
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      this.#entries.delete(oldest);
    }
    return entry.context;
  }

  async #mint(name: string, now: Date, timing: Renewal): Promise<SecureContext> {
    const leaf = await this.#issuer.issueLeaf(name, { now });
    timing.renewAt = leaf.notAfter.getTime() - RENEW_MARGIN_MS;
    return createSecureContext({ cert: leaf.certPem, key: leaf.keyPem });
  }
}
