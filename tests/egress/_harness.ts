/**
 * Test bed for the egress proxy: a local HTTPS origin (its certificate from a throwaway "public"
 * CA the proxy trusts via `upstreamCa`), and the proxy itself in-process with `--connect-to`
 * mappings that send the test hostnames to the origin on loopback. Only loopback is used.
 */
import net from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import {
  type EgressProxy,
  startEgressProxy,
  type UpstreamTimeouts,
} from "../../sidecar/egress/mod.ts";
import { loadOrCreateCa } from "../../core/tls/mod.ts";

/** A request the origin saw. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Origin handler: return a Response, or undefined for the default echo. */
export type OriginHandler = (
  req: Request,
  body: Uint8Array,
) => Response | Promise<Response> | undefined;

/** The running test bed. */
export interface Bed {
  dir: string;
  proxy: EgressProxy;
  proxyUrl: string;
  caPem: string;
  caPath: string;
  originPort: number;
  seen: SeenRequest[];
  logs: string[];
  routesPath: string;
  setHandler(handler: OriginHandler | undefined): void;
  /** Answer with this instead, the request body left unread for it (streaming tests). */
  setRawHandler(handler: ((req: Request) => Response | Promise<Response>) | undefined): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Hostnames the origin answers for (all mapped to loopback by `--connect-to`). */
export const TEST_HOSTS = ["api.test", "other.test", "git.test", "redact.test"] as const;

/**
 * Start an origin and a proxy.
 *
 * @param routesYaml The routes file content.
 * @param options Environment for token slots and canary; proxy options (log level 2 unless set).
 * @returns The bed; dispose it with `await using`.
 */
export async function startBed(
  routesYaml: string,
  options: {
    env?: Record<string, string>;
    queue?: { timeoutMs: number };
    connectTo?: Record<string, string>;
    limits?: { headTimeoutMs?: number; idleTimeoutMs?: number; bodyStallTimeoutMs?: number };
    upstreamTimeouts?: Partial<UpstreamTimeouts>;
    /** An existing CA directory to issue the origins' leaves from (a test's own origins too). */
    originCaDir?: string;
    logLevel?: 0 | 1 | 2;
    /** The agent has the supervise tools (refusals name them). */
    supervise?: boolean;
    /** What all responses together may hold before their heads (the proxy's default if unset). */
    holdBudgetBytes?: number;
    /** What all request bodies together may read ahead (the proxy's default if unset). */
    prefetchBudgetBytes?: number;
    /** How many large bodies move at once (the proxy's default if unset). */
    transferSlots?: number;
  } = {},
): Promise<Bed> {
  const dir = await Deno.makeTempDir({ prefix: "bb-egress-" });
  const originCa = await loadOrCreateCa(options.originCaDir ?? join(dir, "origin-ca"));
  const seen: SeenRequest[] = [];
  let handler: OriginHandler | undefined;
  let rawHandler: ((req: Request) => Response | Promise<Response>) | undefined;
  const serveOrigin = async (req: Request) => {
    if (rawHandler !== undefined) return await rawHandler(req);
    const body = new Uint8Array(await req.arrayBuffer());
    seen.push({
      method: req.method,
      url: req.url,
      headers: Object.fromEntries(req.headers),
      body: new TextDecoder().decode(body),
    });
    const custom = await handler?.(req, body);
    return custom ?? Response.json({ ok: true, path: new URL(req.url).pathname });
  };
  // One TLS origin per test host, each with its own leaf, so upstream verification is real.
  const origins = new Map<string, Deno.HttpServer<Deno.NetAddr>>();
  for (const host of TEST_HOSTS) {
    const leaf = await originCa.issueLeaf(host);
    origins.set(
      host,
      Deno.serve({
        hostname: "127.0.0.1",
        port: 0,
        cert: leaf.certPem,
        key: leaf.keyPem,
        onListen: () => {},
      }, serveOrigin),
    );
  }
  const origin = origins.get("api.test")!;
  const plainOrigin = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    serveOrigin,
  );
  const routesPath = join(dir, "routes", "routes.yaml");
  await Deno.mkdir(join(dir, "routes"));
  await Deno.writeTextFile(routesPath, routesYaml);
  const logs: string[] = [];
  const connectTo = new Map<string, { address: string; port: number }>();
  for (const host of TEST_HOSTS) {
    connectTo.set(`${host}:443`, { address: "127.0.0.1", port: origins.get(host)!.addr.port });
    connectTo.set(`${host}:80`, { address: "127.0.0.1", port: plainOrigin.addr.port });
  }
  for (const [from, to] of Object.entries(options.connectTo ?? {})) {
    const [address, port] = to.split(":");
    connectTo.set(from, { address: address!, port: Number(port) });
  }
  const proxy = await startEgressProxy({
    routesFile: routesPath,
    caDir: join(dir, "ca"),
    listen: { hostname: "127.0.0.1", port: 0 },
    env: options.env ?? {},
    logSink: (line) => logs.push(line),
    logLevel: options.logLevel ?? 2,
    upstreamCa: originCa.certPem,
    connectTo,
    lookup: loopbackOnlyLookup,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.upstreamTimeouts === undefined
      ? {}
      : { upstreamTimeouts: options.upstreamTimeouts }),
    ...(options.supervise === undefined ? {} : { supervise: options.supervise }),
    ...(options.holdBudgetBytes === undefined ? {} : { holdBudgetBytes: options.holdBudgetBytes }),
    ...(options.prefetchBudgetBytes === undefined
      ? {}
      : { prefetchBudgetBytes: options.prefetchBudgetBytes }),
    ...(options.transferSlots === undefined ? {} : { transferSlots: options.transferSlots }),
    ...(options.queue === undefined ? {} : {
      operator: {
        queueDir: join(dir, "queue"),
        bottleSlug: "test-bottle",
        timeoutMs: options.queue.timeoutMs,
      },
    }),
  });
  const caPath = join(dir, "ca", "ca.pem");
  return {
    dir,
    proxy,
    proxyUrl: `http://127.0.0.1:${proxy.port}`,
    caPem: await Deno.readTextFile(caPath),
    caPath,
    originPort: origin.addr.port,
    seen,
    logs,
    routesPath,
    setHandler(next) {
      handler = next;
    },
    setRawHandler(next) {
      rawHandler = next;
    },
    async [Symbol.asyncDispose]() {
      await proxy.close();
      for (const server of origins.values()) await server.shutdown();
      await plainOrigin.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * Tests never send DNS queries: `localhost` resolves to loopback, every other name fails as if it
 * did not exist.
 */
function loopbackOnlyLookup(host: string): Promise<{ address: string; family: number }[]> {
  if (host === "localhost") return Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
  return Promise.reject(
    Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" }),
  );
}

/**
 * Open a CONNECT tunnel through the proxy by hand and start TLS in it, trusting the bottle CA:
 * for tests that need raw control of the bytes inside (chunk timing, SNI, upgrades).
 *
 * @param bed The test bed.
 * @param host The CONNECT host (port 443).
 * @param servername The SNI to send; the CONNECT host by default.
 * @returns The TLS socket, connected.
 */
export async function openTunnel(
  bed: { proxy: { port: number }; caPem: string },
  host: string,
  servername = host,
): Promise<tls.TLSSocket> {
  const raw = net.connect({ host: "127.0.0.1", port: bed.proxy.port });
  await new Promise((resolve) => raw.once("connect", resolve));
  raw.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`);
  const answer = await new Promise<string>((resolve) =>
    raw.once("data", (d) => resolve(String(d)))
  );
  if (!answer.startsWith("HTTP/1.1 200")) throw new Error(`CONNECT refused: ${answer}`);
  const secure = tls.connect({ socket: raw, servername, ca: bed.caPem });
  await new Promise((resolve) => secure.once("secureConnect", resolve));
  secure.on("error", () => {});
  return secure;
}

/** Run a command, capturing output. */
export async function run(
  cmd: string,
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(cmd, {
    args,
    env: options.env ?? {},
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** curl through the proxy, trusting the bottle CA; returns status and body. */
export function curl(
  bed: Bed,
  url: string,
  extra: string[] = [],
): Promise<{ status: number; body: string; stderr: string; code: number }> {
  return curlVia({ proxyUrl: bed.proxyUrl, caPath: bed.caPath }, url, extra);
}

/** curl through any proxy (e.g. an `egress serve` subprocess), trusting `caPath`. */
export async function curlVia(
  proxy: { proxyUrl: string; caPath: string },
  url: string,
  extra: string[] = [],
): Promise<{ status: number; body: string; stderr: string; code: number }> {
  const result = await run("curl", [
    "-sS",
    "--max-time",
    "20",
    "--proxy",
    proxy.proxyUrl,
    "--cacert",
    proxy.caPath,
    "-o",
    "-",
    "-w",
    "\n%{http_code}",
    ...extra,
    url,
  ]);
  const at = result.stdout.lastIndexOf("\n");
  return {
    status: Number(result.stdout.slice(at + 1)),
    body: result.stdout.slice(0, at),
    stderr: result.stderr,
    code: result.code,
  };
}

/**
 * A TLS connection to api.test through the bed's proxy tunnel, with Deno's own client (it reads
 * only on demand, so a test can stop reading and mean it).
 */
export async function tunnelTo(bed: Bed): Promise<Deno.TlsConn> {
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: bed.proxy.port });
  await tcp.write(
    new TextEncoder().encode("CONNECT api.test:443 HTTP/1.1\r\nHost: api.test:443\r\n\r\n"),
  );
  const answer = new Uint8Array(1024);
  const n = await tcp.read(answer);
  const head = new TextDecoder().decode(answer.subarray(0, n ?? 0));
  if (!head.startsWith("HTTP/1.1 200")) throw new Error(`CONNECT refused: ${head}`);
  const conn = await Deno.startTls(tcp, { hostname: "api.test", caCerts: [bed.caPem] });
  await conn.handshake();
  return conn;
}
