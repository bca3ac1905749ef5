/**
 * The per-bottle CA and the leaf certificates the egress proxy presents when it terminates TLS
 * for an intercepted host (SPEC §6.1).
 *
 * `loadOrCreateCa()` mints an ECDSA P-256 CA on first use (`ca.pem` 0644 for clients to trust,
 * `ca-key.pem` 0600, directory 0700) and afterwards only loads it: a broken, mismatched,
 * expired or exposed CA is refused with a {@link CaFileError}, never silently replaced, since
 * agents already trust the old certificate. `LeafCache` turns hosts into leaves (certificate
 * and key, PEM) to present, e.g. with `Deno.listenTls({ cert, key })` (see `tls_wire_test.ts`).
 *
 * @module
 * @example
 * ```ts
 * import { LeafCache, loadOrCreateCa } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const ca = await loadOrCreateCa(`${dir}/egress`);
 * const cache = new LeafCache(ca);
 * const leaf = await cache.leaf("api.example.com");
 * console.assert(leaf.certPem.startsWith("-----BEGIN CERTIFICATE-----"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export { CaFileError, type CaFileErrorOptions, type CaFileProblem } from "./ca_file_error.ts";
export {
  type CaMaterial,
  CertificateAuthority,
  type IssuedLeaf,
  type IssueLeafOptions,
} from "./certificate_authority.ts";
export { LeafCache, type LeafCacheOptions, type LeafIssuer } from "./leaf_cache.ts";
export { loadOrCreateCa, type LoadOrCreateCaOptions } from "./load_or_create_ca.ts";
