/**
 * Unpacking a tar stream from inside a bottle onto the host (`bot-bottle cp`). The archive is
 * written by the agent, so it is hostile input: every entry must land under the target folder,
 * no entry may be written through a symlink (one from the archive or one already there), and
 * only files, folders and symlinks are made. The first entry that breaks a rule stops the copy.
 *
 * Reads ustar, GNU long names (`L`, `K`) and pax headers (`path`, `linkpath`), which is what the
 * agents' GNU and BSD tars write.
 */
import { dirname, isAbsolute, join, normalize, relative, sep } from "node:path";

const BLOCK = 512;
/** What may follow the end-of-archive marker (tar's record padding) before reading stops. */
const TRAILING_BYTES = 1024 * 1024;

/** A refusal: the entry and why. */
export class UnsafeArchiveError extends Error {
  /** @param message Which entry, and what rule it breaks. */
  constructor(message: string) {
    super(message);
    this.name = "UnsafeArchiveError";
  }
}

/** How much an archive may make the host store: its writer chooses. */
export interface UntarLimits {
  /** Bytes of entry data, all entries together. */
  maxBytes: number;
  /** Entries, skipped ones included. */
  maxEntries: number;
}

/** The largest long-name or pax header accepted. */
const META_BYTES = 64 * 1024;

/** What was unpacked. */
export interface Unpacked {
  /** Files, folders and symlinks made. */
  entries: number;
  /** Entries skipped (hard links, devices, fifos), by name. */
  skipped: string[];
}

/**
 * Unpack a tar stream under `root`, which must exist and be a real folder.
 *
 * @param stream The archive.
 * @param root The folder everything lands in.
 * @param limits The most bytes and entries the archive may hold.
 * @returns What was made and skipped.
 * @throws {UnsafeArchiveError} For an entry outside `root`, through a symlink, or malformed.
 */
export async function untar(
  stream: ReadableStream<Uint8Array>,
  root: string,
  limits: UntarLimits,
): Promise<Unpacked> {
  const reader = new BlockReader(stream);
  try {
    const result = await unpack(reader, root, limits);
    // tar pads its output to whole records after the end marker: read them, within reason.
    await reader.drain(TRAILING_BYTES);
    return result;
  } catch (err) {
    // Stop the writer too: a bottle's tar must not stay blocked on a pipe nobody reads.
    await reader.cancel();
    throw err;
  }
}

async function unpack(reader: BlockReader, root: string, limits: UntarLimits): Promise<Unpacked> {
  const result: Unpacked = { entries: 0, skipped: [] };
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let bytes = 0;
  for (;;) {
    const header = await reader.read(BLOCK);
    if (header === undefined) {
      throw new UnsafeArchiveError("the archive ends without its end marker");
    }
    if (header.every((b) => b === 0)) break;
    const type = String.fromCharCode(header[156]!);
    const size = octal(header.subarray(124, 136));
    bytes += size;
    if (bytes > limits.maxBytes || result.entries + result.skipped.length >= limits.maxEntries) {
      throw new UnsafeArchiveError(
        `the copy is over ${limits.maxBytes} bytes or ${limits.maxEntries} entries`,
      );
    }
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    /** Read and drop an entry's data (folders, links and skipped entries). */
    const skip = async () => {
      let left = size + padding;
      for await (const part of reader.take(left)) left -= part.length;
      if (left > 0) throw new UnsafeArchiveError("the archive ends inside an entry");
    };
    if (type === "L" || type === "K" || type === "x") {
      if (size > META_BYTES) throw new UnsafeArchiveError(`a ${size}-byte name header`);
      const data = await reader.read(size + padding);
      if (data === undefined) throw new UnsafeArchiveError("the archive ends inside an entry");
      const text = new TextDecoder().decode(data.subarray(0, size));
      if (type === "L") longName = text.replace(/\0+$/, "");
      else if (type === "K") longLink = text.replace(/\0+$/, "");
      else pax = parsePax(text);
      continue;
    }
    const name = pax.path ?? longName ?? headerName(header);
    const link = pax.linkpath ?? longLink ?? cString(header.subarray(157, 257));
    longName = longLink = undefined;
    pax = {};
    if (type === "g") {
      await skip();
      continue;
    }
    const target = await placeUnder(root, name);
    if (type === "0" || type === "\0" || type === "7") {
      const written = await writeFile(target, reader.take(size), octal(header.subarray(100, 108)));
      const tail = await reader.read(padding);
      if (written < size || tail === undefined) {
        throw new UnsafeArchiveError(`entry ${JSON.stringify(name)}: the archive ends inside it`);
      }
      result.entries += 1;
      continue;
    }
    await skip();
    if (type === "5") {
      if (target !== root) await makeDir(target);
    } else if (type === "2") {
      await refuseExisting(target, name);
      await Deno.symlink(link, target);
    } else {
      result.skipped.push(name);
      continue;
    }
    result.entries += 1;
  }
  return result;
}

/** Where an entry lands; refuses names that leave `root` or pass through a symlink. */
async function placeUnder(root: string, name: string): Promise<string> {
  if (name === "" || isAbsolute(name) || name.includes("\0")) {
    throw new UnsafeArchiveError(`entry ${JSON.stringify(name)}: not a relative path`);
  }
  const target = join(root, normalize(name));
  const rel = relative(root, target);
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new UnsafeArchiveError(`entry ${JSON.stringify(name)}: outside the target folder`);
  }
  // Every folder between root and the entry must be a real folder: never write through a link.
  let at = root;
  for (const part of rel === "" ? [] : dirname(rel).split(sep).filter((p) => p !== ".")) {
    at = join(at, part);
    const info = await Deno.lstat(at).catch(() => undefined);
    if (info === undefined) {
      await Deno.mkdir(at);
    } else if (!info.isDirectory || info.isSymlink) {
      throw new UnsafeArchiveError(
        `entry ${JSON.stringify(name)}: ${relative(root, at)} is not a real folder`,
      );
    }
  }
  return target;
}

async function refuseExisting(target: string, name: string): Promise<void> {
  if (await Deno.lstat(target).then(() => true, () => false)) {
    throw new UnsafeArchiveError(`entry ${JSON.stringify(name)}: appears twice in the archive`);
  }
}

async function writeFile(
  target: string,
  data: AsyncIterable<Uint8Array>,
  mode: number,
): Promise<number> {
  // createNew: an existing path (a link the archive planted first) is never written through.
  const file = await Deno.open(target, { write: true, createNew: true, mode: mode & 0o755 })
    .catch((err) => {
      if (err instanceof Deno.errors.AlreadyExists) {
        throw new UnsafeArchiveError(`entry ${target}: appears twice in the archive`);
      }
      throw err;
    });
  let written = 0;
  try {
    for await (const part of data) {
      for (let at = 0; at < part.length;) at += await file.write(part.subarray(at));
      written += part.length;
    }
  } finally {
    file.close();
  }
  return written;
}

async function makeDir(target: string): Promise<void> {
  const info = await Deno.lstat(target).catch(() => undefined);
  if (info === undefined) await Deno.mkdir(target);
  else if (!info.isDirectory || info.isSymlink) {
    throw new UnsafeArchiveError(`entry ${target}: exists and is not a folder`);
  }
}

function headerName(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  const magic = cString(header.subarray(257, 263));
  const prefix = magic.startsWith("ustar") ? cString(header.subarray(345, 500)) : "";
  return prefix === "" ? name : `${prefix}/${name}`;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function octal(bytes: Uint8Array): number {
  const text = cString(bytes).trim();
  if (!/^[0-7]*$/.test(text)) throw new UnsafeArchiveError(`malformed tar header field "${text}"`);
  return text === "" ? 0 : parseInt(text, 8);
}

/** `<len> <key>=<value>\n` records. */
function parsePax(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (match !== null) out[match[1]!] = match[2]!;
  }
  return out;
}

/** Reads exact byte counts from a stream, or streams them to a file. */
class BlockReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #pending: Uint8Array = new Uint8Array(0);

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** Read and drop what is left, up to `limit` bytes; past that, stop reading. */
  async drain(limit: number): Promise<void> {
    let seen = 0;
    for await (const part of this.take(limit + 1)) seen += part.length;
    if (seen > limit) await this.cancel();
  }

  /** Stop reading; the stream's writer sees an error. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }

  /** The next `count` bytes (small: headers, names, padding), or undefined at the end. */
  async read(count: number): Promise<Uint8Array | undefined> {
    const parts: Uint8Array[] = [];
    let got = 0;
    for await (const part of this.take(count)) {
      parts.push(part);
      got += part.length;
    }
    if (got < count) return undefined;
    const out = new Uint8Array(count);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** The next `count` bytes as they arrive (fewer when the stream ends first). */
  async *take(count: number): AsyncGenerator<Uint8Array> {
    let left = count;
    while (left > 0) {
      if (this.#pending.length === 0) {
        const { value, done } = await this.#reader.read();
        if (done) return;
        this.#pending = value;
      }
      const part = this.#pending.subarray(0, left);
      this.#pending = this.#pending.subarray(part.length);
      left -= part.length;
      yield part;
    }
  }
}
