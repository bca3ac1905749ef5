/** Test helpers for this folder only. */
import { join } from "node:path";
import { x509 } from "./_x509.ts";

/** A temporary directory removed when the test's `await using` scope ends. */
export interface TempDir extends AsyncDisposable {
  /** Absolute path of the directory. */
  readonly path: string;
}

/**
 * Make a temporary directory for one test.
 *
 * @returns The directory, removed on dispose.
 */
export async function tempDir(): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix: "bb-tls-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/**
 * Everything a user could notice about a directory's files: names, bytes, modes, mtimes.
 *
 * @param dir The directory.
 * @returns A comparable description.
 */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const entry of Deno.readDir(dir)) {
    const file = join(dir, entry.name);
    const info = await Deno.stat(file);
    const text = info.isFile ? await Deno.readTextFile(file) : "<dir>";
    out[entry.name] = `${info.mode?.toString(8)} ${info.mtime?.getTime()} ${text}`;
  }
  return out;
}

/**
 * Parse a PEM certificate.
 *
 * @param pem The certificate.
 * @returns The parsed certificate.
 */
export function parseCert(pem: string): x509.X509Certificate {
  return new x509.X509Certificate(pem);
}

/**
 * Truncate to a whole second, the precision of certificate validity dates.
 *
 * @param date Any time.
 * @returns The same time without milliseconds.
 */
export function wholeSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export { x509 };
