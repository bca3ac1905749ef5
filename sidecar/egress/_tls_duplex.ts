/**
 * Upstream TLS as a Node `Duplex` over Deno's own TLS connection, for backpressure both ways.
 *
 * Why not `node:tls`: under Deno its client socket keeps reading from the network after
 * `pause()` and accepts every `write()` without ever saying "full", so a fast origin or a fast
 * uploader fills the proxy's memory with whatever the other side has not taken yet (a 400 MB
 * download peaked at 1.1 GB). Here a read is issued only when the stream's consumer wants more,
 * and a write completes only when the connection took it, so the TCP windows push back instead.
 */
import { Duplex } from "node:stream";

/**
 * How much one read asks for, and what the duplex queues before it stops reading: one TLS record
 * (at most 16 KiB). Part of each connection's buffer budget (issue 19): the reader above queues
 * its own, and 64 KiB here let each stopped reader queue 48 KiB more (200 of them: about 9 MiB).
 */
const READ_SIZE = 16 * 1024;

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

/** A duplex that reads only on demand and finishes a write only once the connection took it. */
class ConnDuplex extends Duplex {
  #conn: Deno.TlsConn;
  #reading = false;
  /** One read at a time, so one buffer serves them all. */
  #buffer = new Uint8Array(READ_SIZE);

  constructor(conn: Deno.TlsConn) {
    // Like a net.Socket: when the upstream ends its side, this side ends too.
    super({
      allowHalfOpen: false,
      readableHighWaterMark: READ_SIZE,
      writableHighWaterMark: READ_SIZE,
    });
    this.#conn = conn;
  }

  override _read(): void {
    if (this.#reading) return;
    this.#reading = true;
    this.#conn.read(this.#buffer).then(
      (n) => {
        this.#reading = false;
        // A copy of what arrived, not a view: a queued view would hold the whole read buffer
        // for each TLS record. push() asks for the next read while the consumer wants more.
        this.push(n === null ? null : this.#buffer.slice(0, n));
      },
      (err: Error) => {
        this.#reading = false;
        // A read on a connection this side closed is the end, not a failure.
        if (this.destroyed) return;
        this.destroy(err);
      },
    );
  }

  override _write(
    chunk: Uint8Array,
    _encoding: string,
    callback: (error?: Error | null) => void,
  ): void {
    writeAll(this.#conn, chunk).then(() => callback(), (err: Error) => callback(err));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#conn.closeWrite().then(() => callback(), () => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    try {
      this.#conn.close();
    } catch {
      // Closed already (by the peer or an earlier destroy).
    }
    callback(error);
  }
}

async function writeAll(conn: Deno.TlsConn, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.length;) offset += await conn.write(chunk.subarray(offset));
}
