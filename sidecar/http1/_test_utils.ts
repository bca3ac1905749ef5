// Test helpers: loopback socket pairs torn down by `await using`, and one-shot parse helpers.
import { Buffer } from "node:buffer";
import assert from "node:assert/strict";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { Http1Reader, HttpParseError } from "./mod.ts";
import type { Limits } from "./mod.ts";

/** Both ends of one loopback connection. */
export interface SocketPair extends AsyncDisposable {
  /** The connecting side. */
  client: net.Socket;
  /** The accepted side. */
  server: net.Socket;
}

/** Open a connection to a fresh listener on 127.0.0.1, port 0. */
export async function socketPair(): Promise<SocketPair> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const { port } = listener.address() as AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => listener.once("connection", resolve));
  const client = net.connect(port, "127.0.0.1");
  await new Promise((resolve) => client.once("connect", resolve));
  const server = await accepted;
  // Tests provoke resets on purpose; the assertions look at reader/writer results instead.
  client.on("error", () => {});
  server.on("error", () => {});
  return {
    client,
    server,
    async [Symbol.asyncDispose]() {
      await Promise.all([destroyed(client), destroyed(server)]);
      await new Promise((resolve) => listener.close(resolve));
    },
  };
}

function destroyed(socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.destroy();
  return closed;
}

/** Write `parts` one at a time, `gapMs` apart, so they arrive as separate reads. */
export async function trickle(
  socket: net.Socket,
  parts: readonly (string | Uint8Array)[],
  options: { gapMs: number },
): Promise<void> {
  for (const part of parts) {
    if (socket.destroyed) return;
    socket.write(part);
    await new Promise((resolve) => setTimeout(resolve, options.gapMs));
  }
}

/** Concatenate a body iterable into a latin1 string. */
export async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString("latin1");
}

/** An `assert.rejects` validator for an HttpParseError with this status and code. */
export function isParseError(status: number, code: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof HttpParseError, `expected HttpParseError, got ${err}`);
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    return true;
  };
}

/** Send raw bytes from a client, then parse one request (head and body) on the server side. */
export async function parseRequest(raw: string, limits: Partial<Limits> = {}) {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server, limits);
  pair.client.end(Buffer.from(raw, "latin1"));
  const head = await reader.readRequestHead();
  return { head, body: await text(reader.body()) };
}

/** Send raw bytes from a server, then parse one response (head and body) on the client side. */
export async function parseResponse(raw: string) {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.client);
  pair.server.end(Buffer.from(raw, "latin1"));
  const head = await reader.readResponseHead("GET");
  return { head, body: await text(reader.body()), reader };
}
