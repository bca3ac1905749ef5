/**
 * The egress proxy under fuzz: `bot-bottle egress serve` as its own process (the benchmarks'
 * `spawnEgress`), in front of the benchmarks' HTTPS origin, which answers for `fuzz.test` and
 * `auth.fuzz.test` (the second route injects a token and filters methods and paths). Its heap is
 * capped like the daemons' (`FUZZ_V8_FLAGS`).
 */
import { join } from "node:path";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import { spawnEgress } from "../bench/_proxy_bed.ts";
import { FUZZ_V8_FLAGS } from "./_daemon.ts";
import { type ServerProcess, watchServer } from "./_process.ts";

const ORIGIN = new URL("../bench/_origin.ts", import.meta.url).pathname;

const ROUTES = `log: 0
routes:
  - host: fuzz.test
  - host: auth.fuzz.test
    auth:
      scheme: Bearer
      token_ref: EGRESS_TOKEN_1
    matches:
      - paths:
          - {value: /api/}
          - {type: regex, value: "/v[0-9]+/items"}
        methods: [GET, PUT, POST]
`;

/** The running proxy. */
export interface EgressBed extends AsyncDisposable {
  /** The proxy process. */
  proxy: ServerProcess;
  /** Its port. */
  port: number;
  /** The proxy's CA certificate (PEM): what a client through it trusts. */
  ca: string;
}

/**
 * Start the origin and the proxy.
 *
 * @param v8Flags The proxy's V8 flags (a tighter heap for a leak test).
 * @returns The bed; dispose it to stop both and remove their files.
 */
export async function startEgressBed(v8Flags = FUZZ_V8_FLAGS): Promise<EgressBed> {
  const dir = await Deno.makeTempDir({ prefix: "bb-fuzz-egress-" });
  const ca = await loadOrCreateCa(join(dir, "origin-ca"));
  const leaf = await ca.issueLeaf("fuzz.test");
  await Deno.writeTextFile(join(dir, "origin.pem"), leaf.certPem);
  await Deno.writeTextFile(join(dir, "origin-key.pem"), leaf.keyPem);
  await Deno.writeTextFile(join(dir, "origin-ca.pem"), ca.certPem);
  await Deno.writeTextFile(join(dir, "routes.yaml"), ROUTES);
  const origin = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ORIGIN, join(dir, "origin.pem"), join(dir, "origin-key.pem")],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const stopOrigin = async () => {
    origin.kill("SIGTERM");
    await origin.status;
  };
  const proxyStarted: { proxy?: ServerProcess } = {};
  try {
    const originPort = await firstLine(origin.stdout);
    const proxy = watchServer(spawnEgress(dir, "127.0.0.1:0", {
      extra: [
        "--connect-to",
        `fuzz.test:443=127.0.0.1:${originPort}`,
        "--connect-to",
        `auth.fuzz.test:443=127.0.0.1:${originPort}`,
      ],
      env: { EGRESS_TOKEN_1: "fuzz-token-0123456789abcdef", DENO_V8_FLAGS: v8Flags },
    }));
    proxyStarted.proxy = proxy;
    const [, port] = await proxy.waitFor(/listening on [^\s]+:(\d+)/);
    return {
      proxy,
      port: Number(port),
      ca: await Deno.readTextFile(join(dir, "ca", "ca.pem")),
      async [Symbol.asyncDispose]() {
        await proxy[Symbol.asyncDispose]();
        await stopOrigin();
        await Deno.remove(dir, { recursive: true });
      },
    };
  } catch (err) {
    await proxyStarted.proxy?.[Symbol.asyncDispose]();
    await stopOrigin();
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
}

/** The first line of a stream; the rest is drained in the background. */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the origin exited before printing its port: ${seen}`);
    seen += value;
  }
  void (async () => {
    while (!(await reader.read()).done);
  })();
  return seen.split("\n")[0]!;
}
