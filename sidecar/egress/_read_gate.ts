/**
 * Backpressure for a tunnel's TLS server socket built straight on the accepted TCP socket.
 *
 * Why: under Deno (2.9) a `node:tls` server socket keeps reading and decrypting after `pause()`,
 * so an agent uploading faster than the upstream accepts would fill the proxy's memory. Stopping
 * reads on the TCP handle under it while it is paused makes the client's TCP window push back
 * instead. The other way to get that, a JS `Duplex` under the TLS socket (`GatedSocket`), sends
 * every TLS record through JS streams: the proxy spent about a third more CPU per downloaded MB.
 */
import type net from "node:net";
import type tls from "node:tls";

/** The read switch of a TCP socket's native handle (Deno's internal `TCPWrap`). */
export interface ReadSwitch {
  /** Stop reading from the kernel. */
  readStop(): unknown;
  /** Read from the kernel again. */
  readStart(): unknown;
}

/**
 * The read switch of an accepted TCP socket. Take it before a TLS socket is built on the socket:
 * the TLS socket takes the handle over.
 *
 * @param raw The accepted socket.
 * @returns The switch, or undefined when the runtime shows none (the caller then gates reads
 *   another way).
 */
export function readSwitchOf(raw: net.Socket): ReadSwitch | undefined {
  const handle = (raw as unknown as { _handle?: Partial<ReadSwitch> | null })._handle;
  if (typeof handle?.readStop !== "function" || typeof handle.readStart !== "function") {
    return undefined;
  }
  return handle as ReadSwitch;
}

/**
 * Read the TCP socket under `secure` only while `secure` flows. A switch that fails destroys the
 * connection: reads that can no longer be stopped must not go on.
 *
 * @param secure The TLS socket built on the TCP socket.
 * @param reads The TCP socket's read switch ({@link readSwitchOf}).
 */
export function gateReads(secure: tls.TLSSocket, reads: ReadSwitch): void {
  const flip = (read: boolean) => {
    if (secure.destroyed) return;
    try {
      if (read) reads.readStart();
      else reads.readStop();
    } catch (err) {
      secure.destroy(err as Error);
    }
  };
  secure.on("pause", () => flip(false));
  secure.on("resume", () => flip(true));
}
