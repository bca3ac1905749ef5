/**
 * Terminates a tunnel's TLS with the runtime's own TLS (rustls, `Deno.listenTls`) rather than
 * `node:tls` over a JS stream.
 *
 * Why: per byte, `node:tls` under Deno cost the proxy more CPU than all of Squid (a bare relay
 * through it: 290 ms of CPU per 50 MiB downloaded, against 90 ms through the runtime's TLS and
 * Squid's 160; `deno task bench:floor`). A CONNECT cannot be handed to a TLS listener of the same
 * process, so each tunnel takes a loopback hop: the client's raw bytes are copied to a listener
 * that presents the leaf for the name the client asked for (`_leaf_listener.ts`), and the proxy
 * speaks HTTP over the connection that listener accepted.
 */
import type { LeafCache } from "../../core/tls/mod.ts";
import { readClientHello } from "./_client_hello.ts";
import { closeQuietly } from "./_conn_io.ts";
import { relayHop } from "./_hop_relay.ts";
import { LeafListener } from "./_leaf_listener.ts";

/** How many leaves keep a listener open; the least recently used is retired first. */
const MAX_LISTENERS = 64;

/** A tunnel whose TLS handshake completed. */
export interface Terminated {
  /** The decrypted connection: the proxy's side of the client's TLS. */
  conn: Deno.TlsConn;
  /** The name the client asked for (SNI), lowercased; absent when it sent none. */
  sni: string | undefined;
}

/** Every tunnel's TLS termination: the listeners per leaf and the hops to them. */
export class TlsFront {
  readonly #leaves: LeafCache;
  /**
   * Listeners by the canonical name of their leaf, least recently used first: spellings of one
   * host (`::1`, `0:0::1`, `API.example`) share one, and cannot push the others out.
   */
  readonly #listeners = new Map<string, LeafListener>();
  /** The connections of every tunnel still relayed, to close with the front. */
  readonly #live = new Set<Deno.Conn[]>();
  #closed = false;

  /** @param leaves The leaves to present. */
  constructor(leaves: LeafCache) {
    this.#leaves = leaves;
  }

  /**
   * Complete a tunnel's TLS handshake: read the client's ClientHello, hop to the listener that
   * presents the leaf for the name it asked for (the CONNECT host when it named none), relay,
   * and wait for the handshake.
   *
   * @param client The client's connection, after the CONNECT exchange; owned from here on.
   * @param tunnel What the client sent past its CONNECT head already (`buffered`), the CONNECT
   *   host, and the signal that the handshake's time is up (everything is closed then).
   * @returns The decrypted connection, or undefined when the handshake failed or timed out, or
   *   the front closed (everything is closed then).
   */
  async terminate(
    client: Deno.Conn,
    tunnel: { buffered: Uint8Array; host: string; signal: AbortSignal },
  ): Promise<Terminated | undefined> {
    const { buffered, host, signal } = tunnel;
    if (this.#closed || signal.aborted) {
      closeQuietly(client);
      return undefined;
    }
    const conns: Deno.Conn[] = [client];
    this.#live.add(conns);
    let relaying: Promise<void> | undefined;
    let server: Deno.TlsConn | undefined;
    const timeUp = () => conns.forEach(closeQuietly);
    signal.addEventListener("abort", timeUp, { once: true });
    try {
      const { bytes, scan } = await readClientHello(client, buffered);
      const sni = scan.kind === "hello" ? scan.sni : undefined;
      const opened = await this.#hop(sni ?? host, signal);
      if (opened === undefined) throw new Error("the TLS listener closed");
      server = opened.server;
      conns.push(opened.hop, server);
      if (signal.aborted || this.#closed) throw new Error("timed out or closed");
      relaying = relayHop(client, { hop: opened.hop, first: bytes });
      void relaying.finally(() => this.#live.delete(conns));
      await opened.server.handshake();
      // What the proxy could not read as a ClientHello is never served, whatever rustls made
      // of it: the name it asked for would be unknown to the policy.
      if (scan.kind !== "hello") throw new Error("not a ClientHello the proxy can read");
      return { conn: opened.server, sni };
    } catch {
      // Once relayed, the listener's alert still reaches the client before the relay ends.
      if (relaying === undefined || signal.aborted) conns.forEach(closeQuietly);
      else closeQuietly(server!);
      if (relaying === undefined) this.#live.delete(conns);
      return undefined;
    } finally {
      signal.removeEventListener("abort", timeUp);
    }
  }

  /** Close every listener and every tunnel still relayed, and take no more. */
  close(): void {
    this.#closed = true;
    for (const listener of this.#listeners.values()) listener.close();
    this.#listeners.clear();
    for (const conns of this.#live) conns.forEach(closeQuietly);
    this.#live.clear();
  }

  /**
   * A hop to the listener presenting the current leaf for `name`, opened on first use or
   * renewal. The hop is begun in the same turn as the listener is chosen, so no other tunnel
   * can retire it in between.
   */
  async #hop(name: string, signal: AbortSignal): ReturnType<LeafListener["open"]> {
    const leaf = await this.#leaves.leaf(name);
    if (this.#closed) throw new Error("the front closed");
    const current = this.#listeners.get(leaf.name);
    this.#listeners.delete(leaf.name);
    let listener = current;
    if (listener?.leaf !== leaf) {
      current?.retire();
      listener = new LeafListener(leaf);
    }
    this.#listeners.set(leaf.name, listener);
    for (const [oldest, retired] of this.#listeners) {
      if (this.#listeners.size <= MAX_LISTENERS) break;
      this.#listeners.delete(oldest);
      retired.retire();
    }
    return listener.open(signal);
  }
}
