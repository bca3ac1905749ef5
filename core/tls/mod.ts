/**
 * The per-bottle CA and the leaf certificates the egress proxy presents when it terminates TLS
 * for an intercepted host (SPEC §6.1).
 *
 * `loadOrCreateCa()` mints an ECDSA P-256 CA on first use (`ca.pem` 0644 for clients to trust,
 * `ca-key.pem` 0600, directory 0700) and afterwards only loads it: a broken, mismatched,
 * expired or exposed CA is refused with a {@link CaFileError}, never silently replaced, since
 * agents already trust the old certificate. `LeafCache` turns hosts into `tls.SecureContext`s.
 *
 * Deno 2.9.6 ignores `tls.createServer({ secureContext })`; serve with
 * `new tls.TLSSocket(socket, { isServer: true, secureContext, SNICallback })` (see
 * `tls_wire_test.ts`). Unlike Node, Deno calls `SNICallback` with `""` when the client sent no
 * SNI (it connected to an IP literal): answer that with the context for the CONNECT host, since
 * `LeafCache` rejects `""` like any other invalid host.
 *
 * @module
 * @example
 * ```ts
 * import { LeafCache, loadOrCreateCa } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const ca = await loadOrCreateCa(`${dir}/egress`);
 * const cache = new LeafCache(ca);
 * const context = await cache.secureContext("api.example.com");
 * console.assert(ca.certPem.startsWith("-----BEGIN CERTIFICATE-----") && context !== undefined);
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
