/**
 * A request body written whole to a file before the git backend runs, so that the backend reads
 * it from the file instead of from a pipe the server feeds. index-pack reads its input 4 KiB at a
 * time: fed through a pipe by this process, every 4 KiB waited for the server's event loop to be
 * scheduled again, and a 50 MB push spent 4.5 s of its 4.7 s receive blocked in `read` (loaded
 * 2-core machine). The file is on the mirrors' disk, never in memory, and capped in size.
 */
import { join } from "node:path";

/** Bytes gathered before each write: the file gets a few large writes, not one per packet. */
const WRITE_BYTES = 1 << 20;

/** Why a body could not be spooled. */
export class SpoolError extends Error {
  /** The HTTP status that answers it: 413 too large, 400 body broken off, 500 disk trouble. */
  readonly status: 400 | 413 | 500;

  /**
   * @param status The answer's status.
   * @param message What went wrong.
   * @param options The cause.
   */
  constructor(status: 400 | 413 | 500, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SpoolError";
    this.status = status;
  }
}

/** A spooled body; disposing of it removes the file. */
export interface SpooledBody extends AsyncDisposable {
  /** The file. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * Write a request body to a new file in `dir`.
 *
 * @param body The body.
 * @param options The folder, the largest body taken, a signal that stops the copy and what hears
 *   the size of every chunk.
 * @returns The file, to be disposed of once the backend is done with it.
 * @throws {SpoolError} When the body is larger than `maxBytes` (413), breaks off or is stopped
 *   (400), or cannot be written (500); the partial file is removed.
 */
export async function spoolBody(
  body: ReadableStream<Uint8Array>,
  options: {
    dir: string;
    maxBytes: number;
    signal: AbortSignal;
    counted?: (bytes: number) => void;
  },
): Promise<SpooledBody> {
  const path = join(options.dir, `${crypto.randomUUID()}.body`);
  const remove = () => Deno.remove(path).catch(() => {});
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  } catch (cause) {
    throw new SpoolError(500, `cannot write the request body to ${options.dir}`, { cause });
  }
  const reader = body.getReader();
  // A read left pending by a silent client must not outlive the request's deadline: cancelling
  // the stream ends it (as done). Not a race of each read against one promise that settles at the
  // deadline: every race left a reaction on that promise holding its chunk, and a 1 GiB push
  // held 1.4 GiB of memory until it was spooled (issue 19).
  let late = false;
  const stop = () => {
    late = true;
    reader.cancel().catch(() => {});
  };
  if (options.signal.aborted) stop();
  options.signal.addEventListener("abort", stop, { once: true });
  let bytes = 0;
  try {
    // One buffer per body, filled and written again and again: a fresh megabyte per write was
    // garbage the collector left for later (a 1 GiB push peaked at +164 MiB).
    const buffer = new Uint8Array(WRITE_BYTES);
    let held = 0;
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (!late) throw new SpoolError(400, "the request body broke off", { cause });
      }
      if (late || chunk === undefined) {
        throw new SpoolError(400, "the request body did not arrive in time");
      }
      if (!chunk.done) {
        bytes += chunk.value.length;
        options.counted?.(chunk.value.length);
        if (bytes > options.maxBytes) {
          throw new SpoolError(413, `the request body is over ${options.maxBytes} bytes`);
        }
        for (let at = 0; at < chunk.value.length;) {
          const part = chunk.value.subarray(at, at + WRITE_BYTES - held);
          buffer.set(part, held);
          held += part.length;
          at += part.length;
          if (held === WRITE_BYTES) held = writeAll(file, buffer);
        }
      }
      if (chunk.done) {
        writeAll(file, buffer.subarray(0, held));
        break;
      }
    }
  } catch (err) {
    stop();
    file.close();
    await remove();
    throw err;
  } finally {
    options.signal.removeEventListener("abort", stop);
  }
  file.close();
  return { path, bytes, [Symbol.asyncDispose]: remove };
}

// Synchronous: a megabyte into the page cache takes well under a millisecond, while an awaited
// write waits for a pool thread to be scheduled, which on a loaded machine tripled the upload.
/** Write all of `bytes`; returns 0, what the buffer now holds. */
function writeAll(file: Deno.FsFile, bytes: Uint8Array): 0 {
  try {
    for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
  } catch (cause) {
    throw new SpoolError(500, "cannot write the request body", { cause });
  }
  return 0;
}
