/**
 * The proxy's listener: plain-HTTP forward proxying and CONNECT tunnels, whose TLS is terminated
 * (`_tls_front.ts`) with a leaf minted by the bottle CA for the name the client asked for, or for
 * the CONNECT host when it named none (a name that differs is then refused with a readable 403).
 */
import { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";
import type { LeafCache } from "../../core/tls/mod.ts";
import {
  HeaderList,
  Http1Reader,
  Http1Writer,
  HttpParseError,
  keepAlive,
  type Limits,
  type ReadAhead,
} from "../http1/mod.ts";
import { sendBlock } from "./_block.ts";
import { ConnDuplex } from "./_conn_duplex.ts";
import { acceptEach, closeQuietly, noDelayQuietly } from "./_conn_io.ts";
import { type ExchangeDeps, handleExchange } from "./_exchange.ts";
import { BadTargetError, splitHostPort, type Tunnel } from "./_request.ts";
import { TlsFront } from "./_tls_front.ts";
import { Turns } from "./_turns.ts";
import { UpstreamConnectError, UpstreamTimeoutError } from "./_upstream.ts";
import { messageOf } from "../../core/errors/mod.ts";

/**
 * How long a client has, from the CONNECT's answer, to send its first bytes and finish its TLS
 * handshake.
 */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Collaborators of the listener. */
export interface ServerDeps extends ExchangeDeps {
  /** Leaf certificates for intercepted hosts. */
  leaves: LeafCache;
  /** Limits for reading client requests. */
  limits: Partial<Limits>;
  /** Hears the size of every chunk read from a client. */
  counted?: (bytes: number) => void;
  /** The read-ahead allowance client readers share with the proxy's other readers. */
  readAhead?: ReadAhead;
}

/** The listening proxy socket and its client connections. */
export class EgressServer {
  #listener: Deno.TcpListener | undefined;
  #accepting: Promise<void> | undefined;
  #closed = false;
  #sockets = new Set<Duplex>();
  #deps: ServerDeps;
  /** The breaths every client connection's writes take together (`_turns.ts`). */
  #turns = new Turns();
  /** Every tunnel's TLS termination. */
  #front: TlsFront;

  /** @param deps Policy, DLP, pool, log and leaves. */
  constructor(deps: ServerDeps) {
    this.#deps = deps;
    this.#front = new TlsFront(deps.leaves);
  }

  /**
   * Start listening.
   *
   * @param hostname Address to bind.
   * @param port Port (0 picks a free one).
   * @param reusePort Share the port with other processes that bind it the same way (Linux
   *   SO_REUSEPORT: the kernel spreads new connections over them, one event loop each).
   * @returns The bound address and port.
   */
  async listen(
    hostname: string,
    port: number,
    reusePort = false,
  ): Promise<{ hostname: string; port: number }> {
    await this.#turns.open();
    // `reusePort: true` needs `--unstable-net` (deno.json, the compiled binary); false does not.
    let listener: Deno.TcpListener;
    try {
      listener = Deno.listen({ hostname, port, reusePort });
    } catch (err) {
      this.#turns.close();
      throw err;
    }
    this.#listener = listener;
    this.#accepting = this.#accept(listener);
    return { hostname: listener.addr.hostname, port: listener.addr.port };
  }

  /** Stop accepting and drop every client connection. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#listener !== undefined) closeQuietly(this.#listener);
    for (const socket of this.#sockets) socket.destroy();
    this.#front.close();
    this.#turns.close();
    await this.#accepting;
  }

  /**
   * Serve every connection the listener accepts. Clients are read through a duplex that reads
   * only on demand: a `node:net` socket reads on after `pause()` (two 64 KiB reads queued per
   * waiting upload, issue 19).
   */
  async #accept(listener: Deno.TcpListener): Promise<void> {
    await acceptEach(listener, {
      conn: (conn) => {
        noDelayQuietly(conn);
        void this.#serve(this.#track(new ConnDuplex(conn, { turns: this.#turns })), undefined);
      },
      failed: (err) => this.#deps.log.info({ event: "listener_error", error: messageOf(err) }),
      closed: () => this.#closed,
    });
  }

  /** Keep a client connection to drop at close; a failed one is destroyed. */
  #track(socket: ConnDuplex): ConnDuplex {
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    return socket;
  }

  async #serve(socket: ConnDuplex, tunnel: Tunnel | undefined): Promise<void> {
    const reader = new Http1Reader(socket, this.#deps.limits, {
      counted: this.#deps.counted,
      readAhead: this.#deps.readAhead,
    });
    const writer = new Http1Writer(socket);
    try {
      while (true) {
        const head = await reader.readRequestHead();
        if (head === null) break;
        if (head.method === "CONNECT") {
          if (tunnel !== undefined) {
            throw new BadTargetError("CONNECT inside a tunnel is not allowed");
          }
          await this.#tunnel(head.target, socket, { reader, writer });
          return;
        }
        const reusable = await handleExchange(head, {
          client: { reader, writer, socket },
          tunnel,
          deps: this.#deps,
        });
        if (!reusable || !keepAlive(head)) break;
      }
      socket.end();
    } catch (err) {
      await this.#fail(err, writer, socket);
    }
  }

  async #tunnel(
    target: string,
    socket: ConnDuplex,
    { reader, writer }: { reader: Http1Reader; writer: Http1Writer },
  ): Promise<void> {
    const { host, port } = splitHostPort(target, 443);
    // Brackets back around an IPv6 literal, or the policy reads "a:b::c:443" as no host at all.
    const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    try {
      await this.#deps.leaves.leaf(host);
    } catch (err) {
      // A name no certificate can carry (e.g. with "_"): refuse before the tunnel, explained.
      throw new BadTargetError(
        `cannot intercept "${host}": ${messageOf(err)}`,
      );
    }
    writer.writeResponseHead(
      {
        status: 200,
        reason: "Connection Established",
        version: "HTTP/1.1",
        headers: new HeaderList(),
      },
      { kind: "none" },
    );
    await writer.end();
    const detached = reader.detach();
    // One deadline from the CONNECT's answer: the client's first bytes, then its handshake.
    const signal = AbortSignal.timeout(HANDSHAKE_TIMEOUT_MS);
    const released = await socket.release(signal);
    if (released === undefined) return;
    const terminated = await this.#front.terminate(released.conn, {
      buffered: Buffer.concat([detached.buffered, released.buffered]),
      host,
      signal,
    });
    if (terminated === undefined) return;
    if (this.#closed) {
      closeQuietly(terminated.conn);
      return;
    }
    const secure = this.#track(new ConnDuplex(terminated.conn, { turns: this.#turns }));
    await this.#serve(secure, { authority, host, port, sni: terminated.sni });
  }

  async #fail(err: unknown, writer: Http1Writer, socket: Duplex): Promise<void> {
    const known = err instanceof HttpParseError
      ? { status: err.status, rule: err.status >= 500 ? "upstream_error" : "bad_request" }
      : err instanceof BadTargetError
      ? { status: 400, rule: "bad_request" }
      : err instanceof UpstreamTimeoutError
      ? { status: 504, rule: "upstream_timeout" }
      : err instanceof UpstreamConnectError
      ? { status: 502, rule: "upstream_error" }
      : { status: 500, rule: "internal_error" };
    const reason = messageOf(err);
    // Every failure is explained when no response is under way (a head committed but not yet
    // sent is taken back); when one is, writing the head throws and the connection is cut instead.
    writer.retractHead();
    await sendBlock(writer, { action: "deny", ...known, reason }, "", this.#deps.refusal)
      .catch(() => {});
    this.#deps.log.block({ rule: known.rule, reason });
    socket.destroy();
  }
}
