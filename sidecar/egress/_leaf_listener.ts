/**
 * A loopback TLS listener of the runtime's own (`Deno.listenTls`) that presents one leaf, and
 * pairs each connection it accepts with the hop that opened it.
 *
 * Why one listener per leaf: the runtime's listener does not say which name a client asked for,
 * caches whatever its certificate callback answered per name for its whole life (no renewal,
 * and one answer for every client that sent no name), so the proxy picks the leaf itself,
 * before the handshake, by choosing the listener (`_tls_front.ts`).
 */
import type { IssuedLeaf } from "../../core/tls/mod.ts";
import { acceptEach, closeQuietly, noDelayQuietly } from "./_conn_io.ts";

/** How long an accepted connection waits for its hop to claim it before it is closed. */
const UNCLAIMED_MS = 1_000;

interface Arrival {
  conn: Deno.TlsConn;
  /** Closes it when no hop claimed it in time. */
  timer: ReturnType<typeof setTimeout>;
}

/** A TLS listener for one leaf, on a loopback port of its own. */
export class LeafListener {
  /** The leaf it presents; a renewed leaf gets a new listener. */
  readonly leaf: IssuedLeaf;
  readonly #listener: Deno.TlsListener;
  /** Accepted connections not yet claimed, by the address and port they came from. */
  readonly #arrived = new Map<string, Arrival>();
  /** Hops waiting for their accepted connection, by their own address and port. */
  readonly #waiting = new Map<string, (conn: Deno.TlsConn | undefined) => void>();
  /** Hops opened and not yet paired: the listener stays open for them. */
  #opening = 0;
  #retired = false;
  #closed = false;

  /** @param leaf The certificate and key to present. */
  constructor(leaf: IssuedLeaf) {
    this.leaf = leaf;
    this.#listener = Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: leaf.certPem,
      key: leaf.keyPem,
      alpnProtocols: ["http/1.1"],
    });
    void acceptEach(this.#listener, {
      conn: (conn) => this.#arrive(conn),
      // Out of descriptors: the hops wait in the backlog, a pause later (the proxy's own
      // listener reports the shortage).
      failed: () => {},
      closed: () => this.#closed,
    });
  }

  /** The loopback port it listens on. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /**
   * Open a hop to this listener.
   *
   * @param signal Gives up waiting for the server side (the tunnel's time is up).
   * @returns The hop and the server side of it (its handshake not yet done); none when the
   *   listener closed or the signal fired first (the hop is then closed too).
   */
  async open(
    signal: AbortSignal,
  ): Promise<{ hop: Deno.TcpConn; server: Deno.TlsConn } | undefined> {
    this.#opening++;
    try {
      const hop = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
      const key = keyOf(hop.localAddr);
      const arrived = this.#arrived.get(key);
      this.#arrived.delete(key);
      clearTimeout(arrived?.timer);
      const server = arrived?.conn ??
        (this.#closed || signal.aborted ? undefined : await new Promise<
          Deno.TlsConn | undefined
        >((resolve) => {
          const giveUp = () => {
            this.#waiting.delete(key);
            resolve(undefined);
          };
          signal.addEventListener("abort", giveUp, { once: true });
          this.#waiting.set(key, (conn) => {
            signal.removeEventListener("abort", giveUp);
            resolve(conn);
          });
        }));
      if (server === undefined) {
        closeQuietly(hop);
        return undefined;
      }
      noDelayQuietly(hop);
      return { hop, server };
    } finally {
      this.#opening--;
      if (this.#retired && this.#opening === 0) this.close();
    }
  }

  /** Close once no hop is being opened; the connections it accepted live on. */
  retire(): void {
    this.#retired = true;
    if (this.#opening === 0) this.close();
  }

  /** Close now: hops still waiting get no server side. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#listener);
    for (const resolve of this.#waiting.values()) resolve(undefined);
    this.#waiting.clear();
    for (const { conn, timer } of this.#arrived.values()) {
      clearTimeout(timer);
      closeQuietly(conn);
    }
    this.#arrived.clear();
  }

  /** Pair an accepted connection with the hop waiting for it, or keep it a while unclaimed. */
  #arrive(conn: Deno.TlsConn): void {
    // Paired by address and port: all of 127/8 is loopback, so a port alone could be matched
    // by a connection from 127.0.0.2.
    const key = keyOf(conn.remoteAddr as Deno.NetAddr);
    const waiting = this.#waiting.get(key);
    this.#waiting.delete(key);
    if (waiting !== undefined) {
      waiting(conn);
      return;
    }
    // Accepted before its hop heard it connected, or not a hop's: unclaimed, it is closed, so
    // never served. (The runtime lets go of the socket of a TLS connection closed before its
    // handshake only when the peer closes: a hop's peer is the relay, which always does.) An
    // older entry under the same key closed since (its port is in use again): it goes now.
    const stale = this.#arrived.get(key);
    if (stale !== undefined) {
      clearTimeout(stale.timer);
      closeQuietly(stale.conn);
    }
    const timer = setTimeout(() => {
      this.#arrived.delete(key);
      closeQuietly(conn);
    }, UNCLAIMED_MS);
    this.#arrived.set(key, { conn, timer });
  }
}

/** What pairs a hop with the connection the listener accepted for it. */
function keyOf(addr: Deno.NetAddr): string {
  return `${addr.hostname}:${addr.port}`;
}
