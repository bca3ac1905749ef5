/**
 * Upstream TLS as a Node `Duplex` over Deno's own TLS connection (`ConnDuplex`, which says why
 * not `node:tls`), for backpressure both ways.
 */
import type { Duplex } from "node:stream";
import { ConnDuplex } from "./_conn_duplex.ts";
import { closeQuietly } from "./_conn_io.ts";

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
    // Closed already by a failed handshake, or not.
    closeQuietly(tcp);
    throw err;
  }
}
