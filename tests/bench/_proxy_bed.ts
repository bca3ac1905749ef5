// deno-lint-ignore-file no-console -- benchmarks print their results
/**
 * What the egress benchmarks share: a local HTTPS origin (`_origin.ts`) and `bot-bottle egress
 * serve` in front of it (default detectors), each its own process, loopback only; and their
 * table printer. The origin's upload server answers as `bench.test:8443` ({@link UPLOAD_ORIGIN}).
 */
import { join } from "node:path";
import { stringify } from "yaml";
import { BODY_RUNTIME_FLAGS } from "../../core/sidecar_contract/mod.ts";
import { loadOrCreateCa } from "../../core/tls/mod.ts";

const HERE = new URL(".", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * How long each path takes small requests before any is measured (`BENCH_WARM_SECONDS`). The
 * proxy, like any sidecar that has run for a while, is measured past its JIT's warm-up: after
 * 2 s of load its next 4 s cost 95–119 µs of CPU per request, and from about 10 s on 77–89
 * (fresh proxies, 4 s loads in a row, issue 16). A sidecar lives as long as its bottle; Squid
 * takes the same warm-up.
 */
export const WARM_SECONDS = Number(Deno.env.get("BENCH_WARM_SECONDS") ?? "10");

/** Where a client through the proxy reaches the origin's upload server (`_upload_origin.ts`). */
export const UPLOAD_ORIGIN = "https://bench.test:8443";

/** The running origin and proxy. */
export interface ProxyBed extends AsyncDisposable {
  /** The origin's port (`bench.test`, trusted through `originCa`). */
  originPort: number;
  /** The port of its upload server ({@link UPLOAD_ORIGIN}). */
  uploadPort: number;
  /** The origin's CA file. */
  originCa: string;
  /** The proxy's port. */
  proxyPort: number;
  /** The proxy's CA file (what a client through it trusts). */
  proxyCa: string;
  /** The proxy's process id (for its memory); the first worker's. */
  proxyPid: number;
  /** Every worker's process id. */
  proxyPids: number[];
}

/** The bench origin (`_origin.ts`), running. */
export interface Origin {
  /** Its process. */
  origin: Deno.ChildProcess;
  /** The port of `bench.test` (trusted through `<dir>/origin-ca.pem`). */
  originPort: number;
  /** The port of its upload server ({@link UPLOAD_ORIGIN}). */
  uploadPort: number;
}

/**
 * Start the origin on loopback with a certificate for `bench.test` from a CA made in `dir`
 * (`origin-ca.pem`), and wait until it listens.
 *
 * @param dir Where its CA, certificate and key are written.
 * @returns The process and its ports; kill the process to stop it.
 */
export async function startOrigin(dir: string): Promise<Origin> {
  const ca = await loadOrCreateCa(join(dir, "origin-ca"));
  const leaf = await ca.issueLeaf("bench.test");
  await Deno.writeTextFile(join(dir, "origin.pem"), leaf.certPem);
  await Deno.writeTextFile(join(dir, "origin-key.pem"), leaf.keyPem);
  await Deno.writeTextFile(join(dir, "origin-ca.pem"), ca.certPem);
  const origin = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(HERE, "_origin.ts"),
      join(dir, "origin.pem"),
      join(dir, "origin-key.pem"),
    ],
    stdout: "piped",
  }).spawn();
  const [originPort, uploadPort] = (await until(origin.stdout, /\n.*\n/))
    .split("\n").map(Number) as [number, number];
  return { origin, originPort, uploadPort };
}

/**
 * Start the origin, then the proxy, and wait until both listen.
 *
 * @param proxyPort Where the proxy listens (0: a free port, read from its log).
 * @param options `workers`: proxy processes sharing the port (`--reuse-port`; more than one
 *   needs a fixed port), each started once the previous one listens, so the first alone creates
 *   the CA; `env`: more environment for the proxy (e.g. its upstream timeouts); `inspect`: an
 *   inspector port for the first proxy ({@link EgressSpawnOptions}); `route`: more keys of the
 *   route (`dlp: …`).
 * @returns The bed; dispose it to stop both and remove their files.
 */
export async function startProxyBed(
  proxyPort: number,
  options: {
    workers?: number;
    env?: Record<string, string>;
    inspect?: number;
    route?: Record<string, unknown>;
  } = {},
): Promise<ProxyBed> {
  const workers = options.workers ?? 1;
  const dir = await Deno.makeTempDir({ prefix: "bb-bench-" });
  const routes = { log: 0, routes: [{ host: "bench.test", ...options.route }] };
  await Deno.writeTextFile(join(dir, "routes.yaml"), stringify(routes));
  const { origin, originPort, uploadPort } = await startOrigin(dir);
  const flags = [
    "--connect-to",
    `bench.test:443=127.0.0.1:${originPort}`,
    "--connect-to",
    `bench.test:${new URL(UPLOAD_ORIGIN).port}=127.0.0.1:${uploadPort}`,
    ...(workers > 1 ? ["--reuse-port"] : []),
  ];
  const proxies: Deno.ChildProcess[] = [];
  let said = "";
  try {
    for (let i = 0; i < workers; i++) {
      const proxy = spawnEgress(dir, `127.0.0.1:${proxyPort}`, {
        extra: flags,
        ...(options.env === undefined ? {} : { env: options.env }),
        // The first worker's memory is the one the benches read.
        ...(options.inspect === undefined || i > 0 ? {} : { inspect: options.inspect }),
      });
      proxies.push(proxy);
      said = await until(proxy.stderr, /\(CA:/);
    }
  } catch (err) {
    for (const child of [...proxies, origin]) child.kill("SIGKILL");
    throw err;
  }
  return {
    originPort,
    uploadPort,
    originCa: join(dir, "origin-ca.pem"),
    proxyPort: Number(/listening on [^\s]*:(\d+) /.exec(said)?.[1] ?? proxyPort),
    proxyCa: join(dir, "ca", "ca.pem"),
    proxyPid: proxies[0]!.pid,
    proxyPids: proxies.map((p) => p.pid),
    async [Symbol.asyncDispose]() {
      for (const proxy of proxies) proxy.kill("SIGTERM");
      origin.kill("SIGTERM");
      for (const proxy of proxies) await proxy.status;
      await origin.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * The proxy's runtime flags: the sidecar daemon's ({@link BODY_RUNTIME_FLAGS}), or
 * `BENCH_RUNTIME_FLAGS` (space-separated; empty for V8's defaults) for an A/B run.
 */
function runtimeFlags(): readonly string[] {
  const chosen = Deno.env.get("BENCH_RUNTIME_FLAGS");
  if (chosen === undefined) return BODY_RUNTIME_FLAGS;
  return chosen.split(" ").filter((flag) => flag !== "");
}

/** What {@link spawnEgress} adds to the proxy's command and environment. */
export interface EgressSpawnOptions {
  /** More flags of `egress serve` (`--connect-to …`). */
  extra?: readonly string[];
  /** Its environment (token slots, canary), added to the inherited one. */
  env?: Record<string, string>;
  /** Its inspector's loopback port, for the V8 side of its memory (`_v8_memory.ts`). */
  inspect?: number;
}

/**
 * Start `bot-bottle egress serve` from source on the files a bed wrote in `dir` (`routes.yaml`,
 * `origin-ca.pem`; the CA is made in `dir/ca`), its stderr piped for the listening line.
 *
 * @param dir The bed's folder.
 * @param listen Where it listens.
 * @param options More flags, environment, an inspector port.
 * @returns The process.
 */
export function spawnEgress(
  dir: string,
  listen: string,
  options: EgressSpawnOptions = {},
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      "-P=cli",
      ...runtimeFlags(),
      ...(options.inspect === undefined ? [] : [`--inspect=127.0.0.1:${options.inspect}`]),
      join(ROOT, "main.ts"),
      "egress",
      "serve",
      "--routes",
      join(dir, "routes.yaml"),
      "--ca-dir",
      join(dir, "ca"),
      "--listen",
      listen,
      "--upstream-ca",
      join(dir, "origin-ca.pem"),
      ...(options.extra ?? []),
    ],
    cwd: ROOT,
    env: options.env ?? {},
    stderr: "piped",
  }).spawn();
}

/**
 * Print rows under a header, columns padded.
 *
 * @param header Column names.
 * @param rows The rows.
 */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

/** Read a process's stream until `text` matches; the rest is drained in the background. */
export async function until(stream: ReadableStream<Uint8Array>, text: RegExp): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!text.test(seen)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the process exited before printing ${text}: ${seen}`);
    seen += value;
  }
  // Keep reading: a process whose stderr pipe fills (the proxy logs every refusal) blocks.
  void (async () => {
    while (!(await reader.read()).done);
  })();
  return seen;
}

/**
 * User and system CPU time a process has used so far (ms): utime and stime, fields 14 and 15 of
 * `/proc/<pid>/stat`, read through `cat` (Deno reads another process's /proc only with every
 * permission).
 */
export async function cpuTimes(pid: number): Promise<{ user: number; system: number }> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/stat`] }).output();
  // Fields after the parenthesised command name.
  const text = new TextDecoder().decode(out.stdout);
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // USER_HZ is 100 on Linux.
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

/** CPU time a process has used so far (ms), user and system together. */
export async function cpuMs(pid: number): Promise<number> {
  const { user, system } = await cpuTimes(pid);
  return user + system;
}

/**
 * Run the load generator (`_load.ts`) once and return its figures.
 *
 * @param options Its options (mode, target, proxy, …).
 * @throws {Error} When it fails, naming the mode, the proxy and the port.
 */
export async function load(options: Record<string, unknown>): Promise<Record<string, number>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(HERE, "_load.ts"), JSON.stringify(options)],
    stderr: "inherit",
  }).output();
  if (!out.success) {
    const { mode, proxy, port } = options as { mode?: string; proxy?: unknown; port?: number };
    throw new Error(
      `load generator failed: ${mode} via ${JSON.stringify(proxy ?? "direct")} to ${port}`,
    );
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Run curl, its bodies to /dev/null; fail unless every transfer succeeded (`--fail`).
 *
 * @param args Its proxy, CA and URL arguments.
 */
export async function curl(args: string[]): Promise<void> {
  const child = new Deno.Command("curl", {
    args: ["-sS", "--fail", "--no-progress-meter", "-o", "/dev/null", ...args],
    stderr: "inherit",
  }).spawn();
  const status = await child.status;
  if (!status.success) throw new Error(`curl ${args.join(" ")} failed`);
}

/**
 * Upload `mib` MiB of text with curl (chunked: curl does not know the size); the origin answers
 * how many bytes it counted, which must be all of them.
 *
 * @param via curl's proxy arguments.
 * @param url The upload origin's URL ({@link UPLOAD_ORIGIN}).
 * @param mib How much.
 */
export async function uploadVia(via: string[], url: string, mib: number): Promise<void> {
  const child = new Deno.Command("curl", {
    args: ["-sS", "--fail", "--no-progress-meter", ...via, "-T", "-", "-X", "POST", url],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const [, answer, status] = await Promise.all([
    textStream(mib).pipeTo(child.stdin),
    new Response(child.stdout).text(),
    child.status,
  ]);
  if (!status.success || Number(answer) !== mib * 2 ** 20) {
    throw new Error(`upload to ${url} failed (the origin counted "${answer}" bytes)`);
  }
}

/** `mib` MiB of text, streamed. */
export function textStream(mib: number): ReadableStream<Uint8Array> {
  const block = new TextEncoder().encode(
    "upload body line for the memory benchmark\n".repeat(1560),
  );
  let left = mib * 1024 * 1024;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const part = left >= block.length ? block : block.subarray(0, left);
      left -= part.length;
      controller.enqueue(part);
    },
  });
}

/**
 * A process's resident memory (MiB), from /proc (Deno reads another process's only with -A):
 * all of it (`VmRSS`), or one part (`RssAnon`, `RssFile`).
 */
export function rssMiB(pid: number, field = "VmRSS"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? "0") / 1024;
}

/** A loopback port free right now (other benchmarks on this machine hold fixed ones). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
