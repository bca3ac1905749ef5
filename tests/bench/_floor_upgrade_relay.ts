// deno-lint-ignore-file no-console -- prints its port for the benchmark
/**
 * A floor for an egress design without the loopback hop (issue 16, `bench:floor`): a CONNECT
 * relay that accepts with `node:net`, answers the CONNECT, then starts the client's TLS on that
 * same socket with `node:tls` (`new TLSSocket(socket, { isServer: true })`; Deno 2.9 needs the
 * handshake started by hand, `_start()`), and opens the origin's with `Deno.startTls`, as the
 * proxy's upstream. No HTTP, no policy, no DLP. Kept to show what removing the hop would save.
 * It presents the origin's own certificate. Loopback only.
 * Usage: deno run -A _floor_upgrade_relay.ts <origin.pem> <origin-key.pem> <origin-ca.pem> <port>
 */
import net from "node:net";
import process from "node:process";
import tls from "node:tls";
import { connectOrigin, relayArgs } from "./_floor_origin.ts";

const { cert, key, ca, originPort } = relayArgs(Deno.args);
const context = tls.createSecureContext({ cert, key });
const ESTABLISHED = "HTTP/1.1 200 Connection Established\r\n\r\n";
// A client that hangs up mid-write must not end the yardstick.
process.on("uncaughtException", () => {});

/**
 * The origin's bytes to the client, each write waiting for the socket to drain (or to close: a
 * client gone mid-download never drains).
 */
async function downstream(origin: Deno.TlsConn, client: tls.TLSSocket): Promise<void> {
  const buffer = new Uint8Array(16 * 1024);
  try {
    for (let n = await origin.read(buffer); n !== null; n = await origin.read(buffer)) {
      if (!client.write(buffer.slice(0, n))) {
        await new Promise((resolve) => {
          client.once("drain", resolve);
          client.once("close", resolve);
        });
      }
    }
  } catch {
    // The origin closed: the client's side ends below.
  }
  client.end();
}

/** One decrypted tunnel on the client's own socket, then the origin's. */
async function decrypted(raw: net.Socket): Promise<void> {
  const client = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
  (client as unknown as { _start(): void })._start();
  const origin = await connectOrigin(originPort, ca);
  client.on("data", (chunk: Uint8Array) => {
    client.pause();
    origin.write(chunk).then(() => client.resume(), () => client.destroy());
  });
  client.on("end", () => origin.closeWrite().catch(() => {}));
  client.on("close", () => {
    try {
      origin.close();
    } catch {
      // Closed already.
    }
  });
  await downstream(origin, client);
}

/**
 * One client: its CONNECT answered, then its TLS. The bench's client sends nothing after its
 * CONNECT until the answer, so no byte past the head is dropped.
 */
function tunnel(raw: net.Socket): void {
  raw.setNoDelay(true);
  let head = "";
  const onData = (chunk: Uint8Array) => {
    head += new TextDecoder("latin1").decode(chunk);
    if (!head.includes("\r\n\r\n")) return;
    raw.off("data", onData);
    raw.pause();
    raw.write(ESTABLISHED, () => void decrypted(raw).catch(() => raw.destroy()));
  };
  raw.on("data", onData);
  raw.on("error", () => raw.destroy());
}

const server = net.createServer(tunnel);
server.listen(0, "127.0.0.1", () => console.log((server.address() as net.AddressInfo).port));
