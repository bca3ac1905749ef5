/**
 * One fast download does not hold up the rest of the proxy: while a client reads a large body
 * as fast as the proxy writes it, other clients are still served and timeouts still fire. The
 * proxy runs as its own process (`egress serve`), as in a bottle, so the test's event loop is
 * not the proxy's.
 */
import assert from "node:assert/strict";
import { startProxyBed } from "../bench/_proxy_bed.ts";

Deno.test("while a fast download streams, another client is served and a hung upstream gets its 504 on time", async () => {
  await using bed = await startProxyBed(0, {
    env: { BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS: "1" },
  });
  const via = ["-sS", "--proxy", `http://127.0.0.1:${bed.proxyPort}`, "--cacert", bed.proxyCa];
  /** Status and milliseconds of one request through the proxy. */
  const timed = async (path: string) => {
    const started = performance.now();
    const out = await new Deno.Command("curl", {
      args: [...via, "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}", path],
      stderr: "null",
    }).output();
    return { status: new TextDecoder().decode(out.stdout), ms: performance.now() - started };
  };
  // 2 GiB: seconds at loopback speed, long past what the requests below may take.
  const download = new Deno.Command("curl", {
    args: [...via, "-o", "/dev/null", "https://bench.test/big?mb=2048"],
    stderr: "null",
  }).spawn();
  let downloading = true;
  const ended = download.status.then(() => (downloading = false));
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(downloading, "the download ended before anything could be checked");
    const small = await timed("https://bench.test/small");
    const hung = await timed("https://bench.test/hang");
    // Before the fix both waited for the whole download (14 s here).
    assert.ok(downloading, "the answers came only once the download was over");
    assert.equal(small.status, "200");
    // Without the listener's breaths: 1.5 s (0.05 s with nothing else running).
    assert.ok(small.ms < 1_000, `a small request took ${small.ms.toFixed(0)} ms`);
    assert.equal(hung.status, "504");
    assert.ok(hung.ms < 2_000, `the 504 took ${hung.ms.toFixed(0)} ms for a 1 s timeout`);
  } finally {
    try {
      download.kill();
    } catch {
      // Already ended.
    }
    await ended;
  }
});
