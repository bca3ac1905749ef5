/**
 * Copies a tunnel's raw bytes between its client and its hop to the proxy's own TLS listener,
 * both ways, each as fast as the other side takes them.
 */
import { closeQuietly, DRAINED_READ_SIZE, READ_SIZE, writeAll } from "./_conn_io.ts";

/** How long a client may keep its side open once the proxy closed the tunnel's. */
const LINGER_MS = 2_000;

/**
 * Relay until both directions ended; an end on one side is passed on as the end of writing to
 * the other, and a failure on either closes both. Once the proxy's side ended, the client has
 * {@link LINGER_MS} to end its own before both are cut.
 *
 * @param client The client's connection (after the CONNECT exchange); closed at the end.
 * @param to The hop to the TLS listener (closed at the end), and what the client sent already
 *   (its ClientHello), written to the hop first.
 */
export async function relayHop(
  client: Deno.Conn,
  to: { hop: Deno.Conn; first: Uint8Array },
): Promise<void> {
  const { hop, first } = to;
  const closeBoth = () => {
    closeQuietly(client);
    closeQuietly(hop);
  };
  let linger: ReturnType<typeof setTimeout> | undefined;
  await Promise.all([
    copy(client, hop, first).catch(closeBoth),
    copy(hop, client).then(
      () => (linger = setTimeout(closeBoth, LINGER_MS)),
      closeBoth,
    ),
  ]);
  clearTimeout(linger);
  closeBoth();
}

/**
 * Copy until `from` ends. No breaths (`_turns.ts`) here: what the proxy writes to a client
 * passes them on its way into the hop, and a run of completions here ends when the hop's
 * socket buffer is empty.
 */
async function copy(from: Deno.Conn, to: Deno.Conn, first?: Uint8Array): Promise<void> {
  if (first !== undefined) await writeAll(to, first);
  const small = new Uint8Array(DRAINED_READ_SIZE);
  let full: Uint8Array | undefined;
  let drained = true;
  while (true) {
    // The full-size buffer is kept only while bytes keep coming: an idle direction drops it.
    const buffer: Uint8Array = drained ? small : (full ??= new Uint8Array(READ_SIZE));
    const n = await from.read(buffer);
    if (n === null) break;
    drained = n < buffer.length;
    if (drained) full = undefined;
    // One write takes a whole chunk but for a full socket buffer: no call of writeAll's own.
    const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
    const written = await to.write(chunk);
    if (written < n) await writeAll(to, chunk.subarray(written));
  }
  await to.closeWrite();
}
