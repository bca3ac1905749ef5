/**
 * One fuzz case on the wire: connect, send the bytes (whole, or in pieces with pauses, like a slow
 * client), end our side, and see whether the server answers or closes within a bound. After our
 * side has ended a server has nothing left to wait for, so a connection still open past the bound
 * is a hang.
 *
 * Servers built on `Deno.serve` take the end of our side for a client gone and drop the answer,
 * so for them the case first waits (a while) for an answer head before ending its side.
 */
import net from "node:net";
import tls from "node:tls";
import { below, type Random } from "./_random.ts";

/** How the bytes go out. */
export interface Delivery {
  /** Cut points: the bytes go out as pieces split there. */
  cuts: number[];
  /** Pause between pieces, in milliseconds (slowloris-style, bounded by the case). */
  gapMs: number;
  /**
   * Stop after the bytes without ending our side, like a client that stalls: the server's own
   * timeouts must then close the connection within the bound.
   */
  stall?: boolean;
}

/** What came back. */
export interface Exchange {
  /** The server's bytes (capped at 64 KiB). */
  answer: Uint8Array;
  /** Whether the server closed within the bound after our side ended (or stalled). */
  closed: boolean;
  /** Milliseconds from our end to the server's close (or to the bound). */
  ms: number;
}

/** A tunnel to open first: CONNECT to `authority`, then (with `tls`) a TLS client inside it. */
export interface Tunnel {
  /** `host:port` for the CONNECT line. */
  authority: string;
  /** Start a TLS client for this server name inside the tunnel, trusting `ca`. */
  tls?: { servername: string; ca: string };
}

const ANSWER_CAP = 64 * 1024;

/**
 * Run one exchange.
 *
 * @param port The server's loopback port.
 * @param payload What to send.
 * @param options Delivery, the bound, an optional tunnel to send it through, and how long to wait
 *   for an answer head before ending our side (none: end at once).
 * @returns The answer and whether the server closed in time.
 * @throws {Error} When the connection or the tunnel cannot be set up (a refused CONNECT).
 */
export async function exchange(
  port: number,
  payload: Uint8Array,
  options: { delivery: Delivery; boundMs: number; tunnel?: Tunnel; awaitAnswerMs?: number },
): Promise<Exchange> {
  const raw = await connect(port);
  // A reset can come at any moment, before any other listener is attached.
  raw.on("error", () => {});
  let socket: net.Socket = raw;
  try {
    if (options.tunnel !== undefined) socket = await openTunnel(raw, options.tunnel);
  } catch (err) {
    raw.destroy();
    throw err;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  socket.on("data", (chunk: Uint8Array) => {
    if (size < ANSWER_CAP) chunks.push(chunk);
    size += chunk.length;
  });
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => {
    if (raw.destroyed) resolve();
    raw.once("close", () => resolve());
  });
  let previous = 0;
  for (const cut of [...options.delivery.cuts, payload.length]) {
    if (raw.destroyed) break;
    if (cut > previous) socket.write(payload.subarray(previous, cut));
    previous = Math.max(previous, cut);
    if (cut < payload.length && options.delivery.gapMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, options.delivery.gapMs));
    }
  }
  if (options.awaitAnswerMs !== undefined) {
    await answerHead(() => concat(chunks), closed, options.awaitAnswerMs);
  }
  if (options.delivery.stall !== true) socket.end();
  const ended = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inTime = await Promise.race([
    closed.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.boundMs))),
  ]);
  clearTimeout(timer);
  const ms = Math.round(performance.now() - ended);
  socket.destroy();
  raw.destroy();
  await closed;
  return { answer: concat(chunks), closed: inTime, ms };
}

/** Wait until the answer holds a whole head, the connection closes, or `ms` pass. */
async function answerHead(
  answer: () => Uint8Array,
  closed: Promise<void>,
  ms: number,
): Promise<void> {
  const deadline = performance.now() + ms;
  let done = false;
  void closed.then(() => (done = true));
  while (!done && performance.now() < deadline) {
    if (new TextDecoder().decode(answer().subarray(0, 8_192)).includes("\r\n\r\n")) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port, noDelay: true }, () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** CONNECT, read the 200 head, and start TLS when asked. */
async function openTunnel(socket: net.Socket, tunnel: Tunnel): Promise<net.Socket> {
  socket.write(`CONNECT ${tunnel.authority} HTTP/1.1\r\nHost: ${tunnel.authority}\r\n\r\n`);
  const head = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Uint8Array) => {
      seen += new TextDecoder().decode(chunk);
      if (seen.includes("\r\n\r\n")) {
        socket.off("data", onData);
        resolve(seen);
      }
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error(`the tunnel closed: ${seen}`)));
  });
  if (!head.startsWith("HTTP/1.1 200 ")) throw new Error(`CONNECT refused: ${head}`);
  if (tunnel.tls === undefined) return socket;
  const secure = tls.connect({
    socket,
    servername: tunnel.tls.servername,
    ca: tunnel.tls.ca,
    ALPNProtocols: ["http/1.1"],
  });
  await new Promise<void>((resolve, reject) => {
    secure.once("secureConnect", () => resolve());
    secure.once("error", reject);
  });
  return secure as unknown as net.Socket;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out.subarray(0, ANSWER_CAP);
}

/**
 * How a case's bytes go out: mostly in one write, sometimes in a few pieces with short pauses,
 * and sometimes slowloris-style, one byte at a time for the first bytes (at most half a second).
 *
 * @param length The payload's length.
 * @param r The case's stream.
 * @returns The delivery.
 */
export function pickDelivery(length: number, r: Random): Delivery {
  const roll = r();
  if (roll < 0.75 || length < 2) return { cuts: [], gapMs: 0 };
  if (roll < 0.95) {
    const cuts = Array.from({ length: 1 + below(r, 7) }, () => below(r, length));
    return { cuts: cuts.sort((a, b) => a - b), gapMs: below(r, 20) };
  }
  return { cuts: Array.from({ length: Math.min(length - 1, 20) }, (_, i) => i + 1), gapMs: 25 };
}
