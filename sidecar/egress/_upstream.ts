/**
 * Upstream connections: plain TCP or TLS (verified against the system roots plus an optional
 * extra CA), to exactly the address the policy checked, kept alive in a small per-target pool.
 */

/** Where Debian-family systems (and the sidecar image) keep the system trust store. */
export const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/**
 * The system's trusted roots as one PEM bundle, or undefined when the file is absent (the
 * runtime's bundled Mozilla roots are used then).
 *
 * @param path Bundle path.
 * @returns The bundle text.
 */
export async function readSystemRoots(path = SYSTEM_CA_BUNDLE): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}
import net from "node:net";
import type { Duplex } from "node:stream";
import { messageOf } from "../../core/errors/mod.ts";
import {
  DEFAULT_LIMITS,
  Http1Reader,
  Http1Writer,
  type Limits,
  type ReadAhead,
} from "../http1/mod.ts";
import type { Upstream } from "./policy/mod.ts";
import { connectTlsDuplex } from "./_tls_duplex.ts";
import { rootsBeyondRuntime } from "./_upstream_roots.ts";

/** One open upstream connection with its codec. */
export interface UpstreamConnection {
  /** The pool key this connection belongs to. */
  key: string;
  /** The socket (TLS or plain). */
  socket: Duplex;
  /** Reads responses. */
  reader: Http1Reader;
  /** Writes requests. */
  writer: Http1Writer;
  /** Whether it came from the idle pool (and may have been closed by the upstream meanwhile). */
  reused: boolean;
}

/** Options of {@link UpstreamPool}. */
export interface UpstreamPoolOptions {
  /**
   * The trusted roots (PEM bundles), on top of the runtime's default store, which Deno always
   * trusts; absent: that store alone.
   */
  roots?: readonly string[] | undefined;
  /** Extra PEM CA trusted for upstream TLS, on top of the roots. */
  extraCa?: string | undefined;
  /** Idle connections kept per target. */
  maxIdlePerTarget?: number;
  /** How long an upstream may keep the agent waiting. */
  timeouts?: Partial<UpstreamTimeouts>;
  /** Hears the size of every chunk read from an upstream. */
  counted?: (bytes: number) => void;
  /** The read-ahead allowance its readers share with the proxy's other readers. */
  readAhead?: ReadAhead;
}

/**
 * How long an upstream may keep the agent waiting, at each stage of an exchange. Each is bounded
 * so that an upstream that accepts and never answers, or answers a byte at a time, holds neither
 * the agent nor the proxy for ever.
 */
export interface UpstreamTimeouts {
  /** To connect, TLS handshake included. Over → 504. */
  connectMs: number;
  /** From the request sent to the first byte of the answer. Over → 504. */
  responseMs: number;
  /**
   * The longest silence once the answer started (and the most a head may take to arrive).
   * Before the head is complete → 504; later the agent's connection is cut, the body unfinished.
   */
  stallMs: number;
}

/** The timeouts the proxy uses unless told otherwise. */
export const DEFAULT_UPSTREAM_TIMEOUTS: Readonly<UpstreamTimeouts> = Object.freeze({
  connectMs: 10_000,
  responseMs: 300_000,
  stallMs: 300_000,
});

/** A failure to reach the upstream; answered with 502. */
export class UpstreamConnectError extends Error {
  /**
   * @param message What failed.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UpstreamConnectError";
  }
}

/** The upstream did not connect or answer in time; answered with 504. */
export class UpstreamTimeoutError extends UpstreamConnectError {
  /**
   * @param message What took too long.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UpstreamTimeoutError";
  }
}

/** Keep-alive pool of upstream connections. */
export class UpstreamPool {
  #idle = new Map<string, UpstreamConnection[]>();
  #ca: string[] | undefined;
  #maxIdle: number;
  #timeouts: UpstreamTimeouts;
  #limits: Partial<Limits>;
  #closed = false;
  #counted: ((bytes: number) => void) | undefined;
  #readAhead: ReadAhead | undefined;

  /** @param options Trust and pool limits. */
  constructor(options: UpstreamPoolOptions = {}) {
    this.#ca = rootsBeyondRuntime(options.roots ?? [], options.extraCa);
    this.#maxIdle = options.maxIdlePerTarget ?? 16;
    this.#counted = options.counted;
    this.#readAhead = options.readAhead;
    this.#timeouts = { ...DEFAULT_UPSTREAM_TIMEOUTS, ...options.timeouts };
    const { responseMs, stallMs } = this.#timeouts;
    this.#limits = {
      responseTimeoutMs: responseMs,
      headTimeoutMs: Math.min(DEFAULT_LIMITS.headTimeoutMs, stallMs),
      bodyStallTimeoutMs: stallMs,
    };
  }

  /**
   * An idle connection to the target, or a new one.
   *
   * @param upstream The checked address.
   * @param secure Whether to speak TLS.
   * @param options `fresh`: a new connection even when an idle one waits (for a request that
   *   could not be sent again if the idle one turned out closed).
   * @returns A connection ready for a request: at once when an idle one was taken, else once
   *   a new one is open.
   * @throws {UpstreamConnectError} When the target cannot be reached or its certificate is bad
   *   (the promise rejects).
   */
  acquire(
    upstream: Upstream,
    secure: boolean,
    options: { fresh?: boolean } = {},
  ): UpstreamConnection | Promise<UpstreamConnection> {
    const key = `${
      secure ? "tls" : "tcp"
    }|${upstream.address}|${upstream.port}|${upstream.servername}`;
    const idle = options.fresh === true ? undefined : this.#idle.get(key);
    while (idle !== undefined && idle.length > 0) {
      const conn = idle.pop()!;
      if (!conn.socket.destroyed && conn.reader.buffered === 0) {
        conn.reused = true;
        return conn;
      }
      conn.socket.destroy();
    }
    return this.#open(key, upstream, secure);
  }

  /** A new connection to `upstream`, pooled under `key` once released. */
  async #open(key: string, upstream: Upstream, secure: boolean): Promise<UpstreamConnection> {
    const socket = await this.#connect(upstream, secure);
    const conn: UpstreamConnection = {
      key,
      socket,
      reader: new Http1Reader(socket, this.#limits, {
        counted: this.#counted,
        readAhead: this.#readAhead,
      }),
      writer: new Http1Writer(socket),
      reused: false,
    };
    // One listener per connection (not per release): an idle connection the upstream closes
    // leaves the pool at once.
    socket.once("close", () => this.#forget(conn));
    return conn;
  }

  /**
   * Return a connection whose last exchange completed cleanly.
   *
   * @param conn The connection.
   */
  release(conn: UpstreamConnection): void {
    const list = this.#idle.get(conn.key) ?? [];
    if (this.#closed || conn.socket.destroyed || list.length >= this.#maxIdle) {
      conn.socket.destroy();
      return;
    }
    list.push(conn);
    this.#idle.set(conn.key, list);
  }

  #forget(conn: UpstreamConnection): void {
    const current = this.#idle.get(conn.key);
    const at = current?.indexOf(conn) ?? -1;
    if (at >= 0) current!.splice(at, 1);
  }

  /** Close every idle connection; later releases close immediately. */
  close(): void {
    this.#closed = true;
    for (const list of this.#idle.values()) for (const conn of list) conn.socket.destroy();
    this.#idle.clear();
  }

  async #connect(upstream: Upstream, secure: boolean): Promise<Duplex> {
    const where = `${upstream.servername || upstream.address}:${upstream.port}`;
    const connecting = secure
      ? connectTlsDuplex({
        address: upstream.address,
        port: upstream.port,
        servername: upstream.servername,
        ...(this.#ca === undefined ? {} : { ca: this.#ca }),
      })
      : connectTcp(upstream);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new UpstreamTimeoutError(
              `connecting to ${where} took longer than ${this.#timeouts.connectMs} ms`,
            ),
          ),
        this.#timeouts.connectMs,
      );
    });
    try {
      return await Promise.race([connecting, timeout]);
    } catch (err) {
      // A connection that completes after the timeout is closed, not leaked.
      connecting.then((socket) => socket.destroy(), () => {});
      if (err instanceof UpstreamConnectError) throw err;
      throw new UpstreamConnectError(`cannot reach ${where}: ${messageOf(err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Plain TCP (node's socket pauses and pushes back correctly under Deno). */
function connectTcp(upstream: Upstream): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: upstream.address,
      port: upstream.port,
      family: upstream.family,
    });
    socket.once("connect", () => {
      socket.off("error", reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}
