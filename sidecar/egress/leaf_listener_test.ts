import assert from "node:assert/strict";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import { closeQuietly } from "./_conn_io.ts";
import { LeafListener } from "./_leaf_listener.ts";

// Only the hops the proxy opens are served: anything else on the machine that connects to a
// leaf's loopback port is never handed to a tunnel.

async function listenerBed() {
  const dir = await Deno.makeTempDir();
  const ca = await loadOrCreateCa(dir);
  const listener = new LeafListener(await ca.issueLeaf("leaf.example.test"));
  return {
    listener,
    async [Symbol.asyncDispose]() {
      listener.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("a leaf listener pairs each hop with its own connection, never a foreign one", async () => {
  await using bed = await listenerBed();
  // A foreign connection first: the next accepted one is not the hop's.
  const foreign = await Deno.connect({ hostname: "127.0.0.1", port: bed.listener.port });
  try {
    const opened = await bed.listener.open(AbortSignal.timeout(5_000));
    assert.ok(opened !== undefined);
    try {
      const hop = opened.hop.localAddr;
      const server = opened.server.remoteAddr as Deno.NetAddr;
      assert.deepEqual([server.hostname, server.port], [hop.hostname, hop.port]);
    } finally {
      closeQuietly(opened.hop);
      closeQuietly(opened.server);
    }
  } finally {
    closeQuietly(foreign);
  }
});
