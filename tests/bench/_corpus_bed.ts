/**
 * The corpus bench's test bed: one local HTTPS origin per routed corpus host (in this process,
 * each with its own leaf from a throwaway CA the proxy trusts), answering every inbound case with
 * its response and every other request with 200; and `bot-bottle egress serve` in front, its own
 * process, one route per host (every path and method, default detectors, block on any match; the git
 * host also allows fetches),
 * the bench's known secrets and canary in its environment. Loopback only.
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { KNOWN_SECRET_PREFIX, SIDECAR_ENV } from "../../core/sidecar_contract/mod.ts";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import {
  bodyBytes,
  type CorpusCase,
  type CorpusResponse,
  PROVISIONED_CANARY,
  PROVISIONED_SECRETS,
  ROUTED_HOSTS,
} from "../dlp_corpus/mod.ts";
import { spawnEgress } from "./_proxy_bed.ts";

/** The running origins and proxy. */
export interface CorpusBed extends AsyncDisposable {
  /** The proxy's port. */
  proxyPort: number;
  /** The proxy's CA (what a client through it trusts), PEM. */
  proxyCaPem: string;
}

/**
 * Start the origins and the proxy, and wait until the proxy listens.
 *
 * @param cases The corpus (inbound cases are served by path).
 * @returns The bed; dispose it to stop everything and remove its files.
 */
export async function startCorpusBed(cases: readonly CorpusCase[]): Promise<CorpusBed> {
  const dir = await Deno.makeTempDir({ prefix: "bb-dlp-corpus-" });
  const ca = await loadOrCreateCa(join(dir, "origin-ca"));
  const responses = new Map<string, CorpusResponse>();
  for (const c of cases) if (c.response) responses.set(`${c.host}${c.request.target}`, c.response);
  const origins: Deno.HttpServer<Deno.NetAddr>[] = [];
  const connectTo: string[] = [];
  for (const host of ROUTED_HOSTS) {
    const leaf = await ca.issueLeaf(host);
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert: leaf.certPem,
      key: leaf.keyPem,
      onListen: () => {},
    }, async (req) => {
      await req.body?.cancel();
      const url = new URL(req.url);
      const response = responses.get(`${host}${url.pathname}${url.search}`);
      return response === undefined ? Response.json({ ok: true }) : serve(response);
    });
    origins.push(server);
    connectTo.push("--connect-to", `${host}:443=127.0.0.1:${server.addr.port}`);
  }
  await Deno.writeTextFile(join(dir, "origin-ca.pem"), ca.certPem);
  // git.corpus.test serves clones, which a route must allow (`git.fetch`) before DLP sees them.
  const routes = ROUTED_HOSTS.map((host) =>
    `  - host: ${host}\n    outbound_on_match: block\n    inbound_on_secret: block\n` +
    (host.startsWith("git.") ? "    git:\n      fetch: true\n" : "")
  );
  await Deno.writeTextFile(join(dir, "routes.yaml"), `log: 1\nroutes:\n${routes.join("")}`);
  const env: Record<string, string> = { [SIDECAR_ENV.canary.name]: PROVISIONED_CANARY };
  PROVISIONED_SECRETS.forEach((s, i) => env[`${KNOWN_SECRET_PREFIX}${i + 1}`] = s);
  const proxy = spawnEgress(dir, "127.0.0.1:0", { extra: connectTo, env });
  const proxyPort = await listeningPort(proxy.stderr);
  return {
    proxyPort,
    proxyCaPem: await Deno.readTextFile(join(dir, "ca", "ca.pem")),
    async [Symbol.asyncDispose]() {
      proxy.kill("SIGTERM");
      await proxy.status;
      for (const server of origins) await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** An origin response for a case: gzip applied, SSE events written one by one. */
function serve(response: CorpusResponse): Response {
  const headers = new Headers(response.headers);
  headers.set("content-type", response.contentType);
  if (response.events !== undefined) {
    const events = response.events.map((e) => new TextEncoder().encode(`${e}\n\n`));
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = events.shift();
        if (next === undefined) return controller.close();
        controller.enqueue(next);
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    headers.set("cache-control", "no-cache");
    return new Response(body, { status: response.status, headers });
  }
  let bytes = bodyBytes(response);
  if (response.encoding === "gzip") {
    bytes = new Uint8Array(gzipSync(Buffer.from(bytes)));
    headers.set("content-encoding", "gzip");
  }
  return new Response(bytes, { status: response.status, headers });
}

/**
 * Read the proxy's log until it says where it listens, then keep draining it (a full pipe would
 * stall the proxy).
 */
async function listeningPort(stderr: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the proxy exited before listening: ${seen}`);
    seen += value;
    const port = /listening on [^\s:]+:(\d+)/.exec(seen)?.[1];
    if (port !== undefined) {
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return Number(port);
    }
  }
}
