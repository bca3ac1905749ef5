/**
 * Upstreams close idle keep-alive connections whenever they like. A request that lands on such a
 * pooled connection is sent again on a fresh one (idempotent methods only), so the agent never
 * sees a spurious 502.
 */
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { join } from "node:path";
import { startEgressProxy } from "../../sidecar/egress/mod.ts";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import { curlVia } from "./_harness.ts";

Deno.test("egress proxy retries a GET whose pooled upstream connection was closed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-stale-" });
  const originCa = await loadOrCreateCa(join(dir, "origin-ca"));
  const leaf = await originCa.issueLeaf("api.test");
  // An origin that answers one request per connection but says keep-alive, and drops the
  // connection without a word when a second request arrives on it: what an idle timeout racing
  // with a new request looks like to the proxy's pool.
  let connections = 0;
  const origin = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (socket) => {
    connections++;
    let requests = 0;
    socket.on("data", () => {
      if (++requests > 1) return void socket.destroy();
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const port = (origin.address() as net.AddressInfo).port;
  await Deno.writeTextFile(join(dir, "routes.yaml"), "routes:\n  - host: api.test\n");
  const logs: string[] = [];
  const proxy = await startEgressProxy({
    routesFile: join(dir, "routes.yaml"),
    caDir: join(dir, "ca"),
    listen: { hostname: "127.0.0.1", port: 0 },
    env: {},
    logSink: (line) => logs.push(line),
    upstreamCa: originCa.certPem,
    connectTo: new Map([["api.test:443", { address: "127.0.0.1", port }]]),
    lookup: () => Promise.reject(new Error("no DNS in tests")),
  });
  try {
    const via = { proxyUrl: `http://127.0.0.1:${proxy.port}`, caPath: join(dir, "ca", "ca.pem") };
    assert.equal((await curlVia(via, "https://api.test/one")).status, 200);
    const second = await curlVia(via, "https://api.test/two");
    assert.equal(second.status, 200, second.body);
    assert.equal(second.body, "ok");
    assert.equal(connections, 2, "the retry used a fresh connection");
  } finally {
    await proxy.close();
    await new Promise<void>((resolve) => origin.close(() => resolve()));
    await Deno.remove(dir, { recursive: true });
  }
});
