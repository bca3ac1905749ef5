/**
 * A workaround for a leak in Deno's `node:tls` (2.9): a server TLS socket built over a stream (the
 * gated socket) whose handshake fails stays registered as a global handle after it closed, and
 * its native handle keeps the socket, the transport, their buffers and the error alive for the
 * life of the process (10–16 KiB per failed handshake: a client that does not trust the bottle CA
 * and retries, or garbage after CONNECT, grew the proxy without bound). After the close nothing
 * calls into the handle, so emptying it lets everything else go; what stays is the bare handle.
 * Sockets whose handshake completed are released by Deno and left alone.
 */
import type tls from "node:tls";

/**
 * Empty the native handle of `secure` once it closes, if its handshake never completed.
 *
 * @param secure A server TLS socket, just built (its handle is read now: closing clears it).
 */
export function releaseFailedHandshake(secure: tls.TLSSocket): void {
  const handle = (secure as unknown as { _handle?: object | null })._handle;
  if (handle === undefined || handle === null) return;
  let established = false;
  secure.once("secure", () => (established = true));
  secure.once("close", () => {
    if (established) return;
    for (const key of Reflect.ownKeys(handle)) Reflect.deleteProperty(handle, key);
  });
}
