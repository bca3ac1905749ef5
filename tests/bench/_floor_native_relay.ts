// deno-lint-ignore-file no-console -- prints its port for the benchmark
/**
 * The floor of the egress proxy's design (issue 16, `bench:floor`): a CONNECT relay whose client
 * TLS is Deno's own (rustls in the runtime, `Deno.listenTls`), as the proxy's (`sidecar/egress/
 * _tls_front.ts`). A CONNECT cannot be handed to a TLS listener in the same process, so each
 * tunnel takes a loopback hop: the front reads the CONNECT, answers it, then copies raw bytes to
 * an inner `Deno.listenTls`, whose decrypted bytes go to the origin over `Deno.startTls`. What the
 * proxy pays at least: no HTTP, no policy, no DLP. It presents the origin's own certificate.
 * Loopback only.
 * Usage: deno run -A _floor_native_relay.ts <origin.pem> <origin-key.pem> <origin-ca.pem> <port>
 */
import { connectOrigin, relayArgs } from "./_floor_origin.ts";

const { cert, key, ca, originPort } = relayArgs(Deno.args);
const inner = Deno.listenTls({
  hostname: "127.0.0.1",
  port: 0,
  cert,
  key,
  alpnProtocols: ["http/1.1"],
});
const innerPort = inner.addr.port;
const ESTABLISHED = new TextEncoder().encode("HTTP/1.1 200 Connection Established\r\n\r\n");

/** Copy `from` to `to` until `from` ends, then end `to`'s side; a failure ends the copy. */
async function copy(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(16 * 1024);
  try {
    for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
      for (let at = 0; at < n;) at += await to.write(buffer.subarray(at, n));
    }
    await to.closeWrite();
  } catch {
    // One side closed: the other copy ends on its own.
  }
}

/** Close connections that may be closed already. */
function closeAll(...conns: Deno.Conn[]): void {
  for (const conn of conns) {
    try {
      conn.close();
    } catch {
      // Closed already.
    }
  }
}

/** One decrypted tunnel: the client's TLS, then the origin's. */
async function decrypted(client: Deno.TlsConn): Promise<void> {
  const upstream = await connectOrigin(originPort, ca);
  await Promise.all([copy(client, upstream), copy(upstream, client)]);
  closeAll(upstream, client);
}

/**
 * One client: its CONNECT answered, then its raw bytes to the inner listener and back. The bench's
 * client sends nothing after its CONNECT until the answer, so no byte past the head is dropped.
 */
async function tunnel(client: Deno.TcpConn): Promise<void> {
  client.setNoDelay(true);
  const head = new Uint8Array(4096);
  let seen = 0;
  const latin1 = new TextDecoder("latin1");
  while (!latin1.decode(head.subarray(0, seen)).includes("\r\n\r\n")) {
    // A head that fills the buffer is no CONNECT of the bench's client.
    if (seen === head.length) return closeAll(client);
    const n = await client.read(head.subarray(seen));
    if (n === null) return closeAll(client);
    seen += n;
  }
  await client.write(ESTABLISHED);
  const hop = await Deno.connect({ hostname: "127.0.0.1", port: innerPort });
  hop.setNoDelay(true);
  await Promise.all([copy(client, hop), copy(hop, client)]);
  closeAll(hop, client);
}

void (async () => {
  for await (const client of inner) {
    decrypted(client).catch(() => closeAll(client));
  }
})();
const front = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log(front.addr.port);
for await (const client of front) tunnel(client).catch(() => closeAll(client));
