/**
 * What both `bench:floor` relays do on the origin's side: the same TLS the proxy's upstream uses
 * (`Deno.startTls`, `sidecar/egress/_tls_duplex.ts`), to the bench origin on loopback.
 */

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
