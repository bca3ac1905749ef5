/**
 * Upstream TLS as a Node `Duplex` over Deno's own TLS connection, for backpressure both ways.
 *
 * Why not `node:tls`: under Deno its client socket keeps reading from the network after
 * `pause()` and accepts every `write()` without ever saying "full", so a fast origin or a fast
 * uploader fills the proxy's memory with whatever the other side has not taken yet (a 400 MB
 * download peaked at 1.1 GB). Here a read is issued only when the stream's consumer wants more,
 * and a write completes only when the connection took it, so the TCP windows push back instead.
 */
import type { Duplex } from "node:stream";
import { ConnDuplex } from "./_conn_duplex.ts";

/** Where to connect and what to verify. */
export interface TlsTarget {
  /** The address to connect to (already checked by policy). */
  address: string;
  /** The port. */
  port: number;
  /** The name the certificate must carry (and the SNI); empty: the address itself. */
  servername: string;
  /** PEM roots to trust; absent: Deno's defaults. */
  ca?: string[];
}

/**
 * Connect and complete the TLS handshake.
 *
 * @param target Address, port, name and roots.
 * @returns A connected duplex; `destroy()` closes the connection.
 * @throws {Error} What the connection or the handshake failed with.
 */
export async function connectTlsDuplex(target: TlsTarget): Promise<Duplex> {
  const tcp = await Deno.connect({ hostname: target.address, port: target.port });
  try {
    tcp.setNoDelay(true);
    const conn = await Deno.startTls(tcp, {
      hostname: target.servername === "" ? target.address : target.servername,
      ...(target.ca === undefined ? {} : { caCerts: target.ca }),
      alpnProtocols: ["http/1.1"],
    });
    await conn.handshake();
    return new ConnDuplex(conn);
  } catch (err) {
    try {
      tcp.close();
    } catch {
      // Already closed by a failed handshake.
    }
    throw err;
  }
}
