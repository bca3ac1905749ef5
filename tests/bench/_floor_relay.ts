// deno-lint-ignore-file no-console -- prints its port for the benchmark
/**
 * A floor for the egress proxy's work as it was built before it moved to the runtime's own TLS
 * (issue 16): a CONNECT relay that terminates the client's TLS with `node:tls` over a JS stream
 * and opens the origin's (`Deno.startTls`, as the proxy's upstream), then passes decrypted bytes
 * both ways. No HTTP parsing, no policy, no DLP. Kept to show what that TLS costs. It
 * presents the origin's own certificate, so clients trust the origin's CA. Loopback only.
 * Usage: deno run -A _floor_relay.ts <origin.pem> <origin-key.pem> <origin-ca.pem> <port>
 */
import net from "node:net";
import process from "node:process";
import { Duplex } from "node:stream";
import tls from "node:tls";
import { connectOrigin, relayArgs } from "./_floor_origin.ts";

const { cert, key, ca, originPort } = relayArgs(Deno.args);
const context = tls.createSecureContext({ cert, key });
// A client that hangs up mid-write must not end the yardstick.
process.on("uncaughtException", () => {});

/** The client's socket as a JS stream, as the proxy's gated socket makes it. */
class Passage extends Duplex {
  #raw: net.Socket;
  constructor(raw: net.Socket) {
    super();
    this.#raw = raw;
    raw.on("data", (chunk: Uint8Array) => {
      if (!this.push(chunk)) raw.pause();
    });
    raw.on("end", () => this.push(null));
  }
  override _read(): void {
    this.#raw.resume();
  }
  override _write(chunk: Uint8Array, _: string, done: (error?: Error | null) => void): void {
    this.#raw.write(chunk, (error) => done(error ?? null));
  }
  override _final(done: () => void): void {
    this.#raw.end(done);
  }
}

async function relay(socket: net.Socket): Promise<void> {
  socket.pause();
  socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  const passage = new Passage(socket);
  passage.on("error", () => socket.destroy());
  const secure = new tls.TLSSocket(passage as unknown as net.Socket, {
    isServer: true,
    secureContext: context,
  });
  secure.on("error", () => socket.destroy());
  const upstream = await connectOrigin(originPort, ca);
  secure.on("data", (data: Uint8Array) => void upstream.write(data).catch(() => {}));
  secure.on("end", () => upstream.close());
  const buffer = new Uint8Array(16 * 1024);
  try {
    for (let n = await upstream.read(buffer); n !== null; n = await upstream.read(buffer)) {
      secure.write(buffer.slice(0, n));
    }
  } catch {
    // Closed from the client's side.
  }
  secure.end();
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on("error", () => socket.destroy());
  // The CONNECT head: the client sends nothing more before the answer.
  socket.once("data", () => void relay(socket).catch(() => socket.destroy()));
});
server.listen(0, "127.0.0.1", () => console.log((server.address() as net.AddressInfo).port));
