/**
 * The roots handed to each upstream TLS connection, without the ones the runtime trusts already.
 *
 * Why (issue 19): Deno builds a new client configuration for every `Deno.startTls`, starting from
 * its own default store (Mozilla's roots, or what `DENO_TLS_CA_STORE` chose) and adding every
 * certificate in `caCerts` on top. Passing the system bundle there, most of which is Mozilla's
 * roots again, parsed about 220 KB of PEM per connection and kept two copies of the roots (~130
 * KiB of native memory) for the connection's life: 200 downloads at once held about 25 MiB of
 * them. Leaving out what the default store holds trusts exactly the same set, since Deno adds the
 * passed roots to that store anyway; if the default store were narrower (a different
 * `DENO_TLS_CA_STORE`), fewer roots are trusted, never more.
 *
 * Reading `tls.rootCertificates` needs the `sys` permission `ca`, which the sidecar's daemons do
 * not have (Deno 2.9 refuses it as a flag). The sidecar image's build writes the same list to
 * {@link SIDECAR_RUNTIME_ROOTS} ({@link writeRuntimeRoots}), and a process refused the permission
 * reads it there. Without it every root is passed (`bench:sidecar`, 200 downloads at once: the
 * daemon grew +62..70 MiB, +46..54 with the list). A root the file names that the runtime lacks
 * is trusted by neither: fewer roots, never more.
 */
import { dirname } from "node:path";
import tls from "node:tls";
import { SIDECAR_RUNTIME_ROOTS } from "../../core/sidecar_contract/mod.ts";

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g;

/**
 * Each certificate of PEM bundles, as its own PEM block, with its base64 body (no white space)
 * as the key that tells one certificate from another.
 */
function certificates(bundles: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const bundle of bundles) {
    for (const match of bundle.matchAll(PEM_CERTIFICATE)) {
      found.set(match[1]!.replace(/\s+/g, ""), match[0]);
    }
  }
  return found;
}

/**
 * The certificates to pass as `caCerts`: the roots and the extra CA, less those in `builtIn`.
 *
 * @param roots PEM bundles trusted for upstreams (the system bundle).
 * @param extraCa A PEM CA trusted on top, kept even if the runtime knows it.
 * @param builtIn What the runtime's default store holds (default: `tls.rootCertificates`).
 * @returns The PEM blocks to pass, or undefined when the default store alone suffices.
 */
export function rootsBeyondRuntime(
  roots: readonly string[],
  extraCa: string | undefined,
  builtIn: readonly string[] = runtimeRoots(),
): string[] | undefined {
  const known = certificates(builtIn);
  const beyond = [...certificates(roots)].filter(([key]) => !known.has(key)).map(([, pem]) => pem);
  if (extraCa !== undefined) beyond.push(extraCa);
  return beyond.length === 0 ? undefined : beyond;
}

/**
 * The runtime's bundled roots; when this process may not read them, the list written beside the
 * runtime at build time, else none.
 *
 * @param written Where that list is ({@link SIDECAR_RUNTIME_ROOTS} in the sidecar image).
 * @returns PEM texts (one certificate each, or the written bundle whole).
 * @throws {Error} When the list exists but cannot be read for another reason than absence or
 *   permission.
 */
export function runtimeRoots(written: string = SIDECAR_RUNTIME_ROOTS): readonly string[] {
  try {
    // A lazy list: it asks for the permission when read, not when named.
    return [...tls.rootCertificates];
  } catch (err) {
    if (!refused(err)) throw err;
  }
  try {
    return [Deno.readTextFileSync(written)];
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || refused(err)) return [];
    throw err;
  }
}

/**
 * Write the runtime's bundled roots to `file` for processes that may not read them (the sidecar
 * image's build runs this with `--allow-sys`).
 *
 * @param file Where to write (its directory is made).
 * @returns How many roots were written.
 * @throws {Deno.errors.NotCapable} Without the `sys` permission, or the write permission.
 */
export function writeRuntimeRoots(file: string): number {
  const roots = [...tls.rootCertificates];
  Deno.mkdirSync(dirname(file), { recursive: true });
  Deno.writeTextFileSync(file, `${roots.map((pem) => pem.trim()).join("\n")}\n`);
  return roots.length;
}

function refused(err: unknown): boolean {
  return err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied;
}
