/** Reading and writing the CA's two files without ever exposing the key. */
import { basename, dirname, join } from "node:path";
import { CaFileError } from "./ca_file_error.ts";
import { toHex } from "./_x509.ts";
import { messageOf } from "../errors/mod.ts";

/** The two files of a CA directory. */
export interface CaPaths {
  /** `ca.pem`, the certificate clients trust. */
  readonly cert: string;
  /** `ca-key.pem`, the private key. */
  readonly key: string;
}

/** A file's text and permission bits. */
export interface CaFileText {
  /** The file's content. */
  readonly text: string;
  /** Permission bits, or null where the platform has none. */
  readonly mode: number | null;
}

/** One file to publish: where, what, and with which permissions. */
export interface NewFile {
  /** Final path. */
  readonly path: string;
  /** Content. */
  readonly text: string;
  /** Permission bits, applied when the file is created. */
  readonly mode: number;
}

/**
 * The file paths of the CA in `dir`.
 *
 * @param dir The CA directory.
 * @returns Paths of `ca.pem` and `ca-key.pem`.
 */
export function caPaths(dir: string): CaPaths {
  return { cert: join(dir, "ca.pem"), key: join(dir, "ca-key.pem") };
}

/**
 * Read a CA file.
 *
 * @param file Path to read.
 * @returns Its text and mode, or undefined when it does not exist.
 * @throws {CaFileError} `unreadable` when it exists but cannot be read as a regular file.
 */
export async function readCaFile(file: string): Promise<CaFileText | undefined> {
  try {
    const info = await Deno.stat(file);
    if (!info.isFile) {
      throw new CaFileError("not a regular file", { file, problem: "unreadable" });
    }
    return { text: await Deno.readTextFile(file), mode: info.mode };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    if (err instanceof CaFileError) throw err;
    const reason = messageOf(err);
    throw new CaFileError(`cannot read it (${reason})`, {
      file,
      problem: "unreadable",
      cause: err,
    });
  }
}

/**
 * Publish files that must not exist yet, in order, each complete before it becomes visible.
 *
 * Each file is written to a temporary name opened with its final mode (so a key is never
 * readable by others, not even briefly), synced, then hard-linked to its final name. A link,
 * unlike a rename, fails when the target exists, so two processes racing to create the same CA
 * can never end up with one's key beside the other's certificate.
 *
 * @param files The files, in publication order (the key before the certificate).
 * @returns Once published, or once a file turned out to exist already (another caller won).
 */
export async function publishNewFiles(files: readonly NewFile[]): Promise<void> {
  const staged: { temp: string; path: string }[] = [];
  try {
    for (const file of files) {
      const temp = join(dirname(file.path), `.${basename(file.path)}.${toHex(randomBytes())}.tmp`);
      staged.push({ temp, path: file.path });
      await writeNewFile(temp, file.text, file.mode);
    }
    for (const { temp, path } of staged) await Deno.link(temp, path);
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
  } finally {
    await Promise.all(staged.map(({ temp }) => removeIfExists(temp)));
  }
}

async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

function randomBytes(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(8));
}

async function writeNewFile(path: string, text: string, mode: number): Promise<void> {
  const file = await Deno.open(path, { write: true, createNew: true, mode });
  try {
    // The open mode is narrowed by the umask; set it exactly (the cert must be world-readable).
    await Deno.chmod(path, mode);
    const bytes = new TextEncoder().encode(text);
    for (let written = 0; written < bytes.length;) {
      written += await file.write(bytes.subarray(written));
    }
    await file.syncData();
  } finally {
    file.close();
  }
}
