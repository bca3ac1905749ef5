/** Small things every connection of the proxy's needs: a whole write, no Nagle, a quiet close. */

/**
 * How much a read of a client's connection asks for while bytes keep coming: one TLS record (at
 * most 16 KiB). Part of each connection's buffer budget (issue 19).
 */
export const READ_SIZE = 16 * 1024;

/**
 * How much a client's read asks for once the connection is drained: an idle tunnel then pins
 * 2 KiB in each waiting read, not 16 (200 idle tunnels: +21 MiB, was +25). What counts as
 * drained differs by what is read: a decrypted connection returns a record per read, so there a
 * read that brought less than this; the raw hop relay, a read that did not fill its buffer.
 */
export const DRAINED_READ_SIZE = 2 * 1024;

/** Write all of `bytes` (a write may take only part of them when the socket is full). */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/** Send small writes at once; a connection reset already is left to its first read to report. */
export function noDelayQuietly(conn: Deno.TcpConn): void {
  try {
    conn.setNoDelay(true);
  } catch {
    // Reset already: the first read will say so.
  }
}

/** How long a listener waits after a failed accept (out of descriptors) before the next. */
const ACCEPT_RETRY_MS = 100;

/**
 * Hand every connection a listener accepts to `on.conn` until it closes. A failed accept (out of
 * descriptors, EMFILE) is never a crash and never a spin: reported, then retried after a pause.
 * A connection accepted just as the owner closed is closed, never handed over: the owner has let
 * go of what would serve or release it.
 */
export async function acceptEach<C extends Deno.Conn>(
  listener: Deno.Listener<C, Deno.Addr>,
  on: { conn(conn: C): void; failed(err: unknown): void; closed(): boolean },
): Promise<void> {
  while (true) {
    let conn: C;
    try {
      conn = await listener.accept();
    } catch (err) {
      if (on.closed()) return;
      on.failed(err);
      await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
      continue;
    }
    if (on.closed()) {
      closeQuietly(conn);
      return;
    }
    on.conn(conn);
  }
}

/** Close a connection or listener that may be closed already. */
export function closeQuietly(closable: { close(): void }): void {
  try {
    closable.close();
  } catch {
    // Closed already (by the peer or an earlier close).
  }
}
