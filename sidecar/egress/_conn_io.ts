/** Small things every connection of the proxy's needs: a whole write, no Nagle, a quiet close. */

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

/** Close a connection or listener that may be closed already. */
export function closeQuietly(closable: { close(): void }): void {
  try {
    closable.close();
  } catch {
    // Closed already (by the peer or an earlier close).
  }
}
