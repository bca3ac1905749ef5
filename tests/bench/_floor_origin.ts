/**
 * What every `bench:floor` relay does on the origin's side: the same TLS the proxy's upstream
 * uses (`Deno.startTls`, `sidecar/egress/_tls_duplex.ts`), to the bench origin on loopback; and
 * the arguments every relay takes.
 */

/** A relay's arguments, read: the certificate it presents, its key, the origin's CA and port. */
export interface RelayArgs {
  /** The certificate the relay presents (PEM): the origin's own. */
  cert: string;
  /** Its key (PEM). */
  key: string;
  /** The origin's CA (PEM). */
  ca: string;
  /** The origin's loopback port. */
  originPort: number;
}

/**
 * Read a relay's arguments: `<origin.pem> <origin-key.pem> <origin-ca.pem> <port>`.
 *
 * @param args The relay's command-line arguments.
 */
export function relayArgs(args: readonly string[]): RelayArgs {
  const [certFile, keyFile, caFile, port] = args;
  return {
    cert: Deno.readTextFileSync(certFile!),
    key: Deno.readTextFileSync(keyFile!),
    ca: Deno.readTextFileSync(caFile!),
    originPort: Number(port),
  };
}

/**
 * Open a TLS connection to the bench origin as `bench.test`.
 *
 * @param port The origin's loopback port.
 * @param ca The origin's CA (PEM).
 */
export async function connectOrigin(port: number, ca: string): Promise<Deno.TlsConn> {
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port });
  tcp.setNoDelay(true);
  return await Deno.startTls(tcp, {
    hostname: "bench.test",
    caCerts: [ca],
    alpnProtocols: ["http/1.1"],
  });
}
