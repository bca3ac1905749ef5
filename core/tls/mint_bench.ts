/**
 * Cost of minting, for the egress proxy's first request to each host. Run with
 * `deno bench -A core/tls/mint_bench.ts`.
 */
import { LeafCache, loadOrCreateCa } from "./mod.ts";

const dir = await Deno.makeTempDir({ prefix: "bb-tls-bench-" });
const ca = await loadOrCreateCa(dir);

Deno.bench("issueLeaf() for a new host", async () => {
  await ca.issueLeaf(`${crypto.randomUUID()}.example`);
});

Deno.bench("LeafCache.leaf() on a miss (a mint)", async () => {
  await new LeafCache(ca).leaf(`${crypto.randomUUID()}.example`);
});

Deno.bench("LeafCache.leaf() on a hit", async (b) => {
  const cache = new LeafCache(ca);
  await cache.leaf("hit.example");
  b.start();
  await cache.leaf("hit.example");
  b.end();
});

Deno.bench("loadOrCreateCa() loading an existing CA", async () => {
  await loadOrCreateCa(dir);
});

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
