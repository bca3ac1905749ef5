// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * Benchmark client: HTTP/1.1 over TLS with keep-alive, direct or through a CONNECT proxy.
 * Usage: deno run -A _load.ts <json options>; prints one JSON line of results.
 */
import net from "node:net";
import tls from "node:tls";
import { HeaderList, Http1Reader, Http1Writer } from "../../sidecar/http1/mod.ts";

interface Options {
  mode: "small" | "download" | "upload";
  host: string;
  port: number;
  ca: string;
  proxy?: { host: string; port: number };
  /** The port named in CONNECT (443 unless the proxy cannot map names to ports, as Squid). */
  connectPort?: number;
  connections?: number;
  seconds?: number;
  mb?: number;
}

const opts: Options = JSON.parse(Deno.args[0]!);
const ca = await Deno.readTextFile(opts.ca);
const authority = opts.connectPort === undefined ? opts.host : `${opts.host}:${opts.connectPort}`;

async function open(): Promise<tls.TLSSocket> {
  let raw: net.Socket | undefined;
  if (opts.proxy !== undefined) {
    raw = net.connect({ host: opts.proxy.host, port: opts.proxy.port });
    await new Promise((resolve, reject) => raw!.once("connect", resolve).once("error", reject));
    raw.setNoDelay(true);
    const target = `${opts.host}:${opts.connectPort ?? 443}`;
    raw.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    const answer = await new Promise<string>((resolve) =>
      raw!.once("data", (d) => resolve(String(d)))
    );
    if (!answer.startsWith("HTTP/1.1 200")) throw new Error(`CONNECT failed: ${answer}`);
  }
  const socket = raw === undefined
    ? tls.connect({ host: "127.0.0.1", port: opts.port, servername: opts.host, ca })
    : tls.connect({ socket: raw, servername: opts.host, ca });
  await new Promise((resolve, reject) =>
    socket.once("secureConnect", resolve).once("error", reject)
  );
  return socket;
}

function head(
  method: string,
  path: string,
): { method: string; target: string; version: "HTTP/1.1"; headers: HeaderList } {
  return {
    method,
    target: path,
    version: "HTTP/1.1",
    headers: new HeaderList([["Host", authority]]),
  };
}

async function small(): Promise<unknown> {
  const latencies: number[] = [];
  const deadline = performance.now() + (opts.seconds ?? 5) * 1000;
  await Promise.all(Array.from({ length: opts.connections ?? 8 }, async () => {
    const socket = await open();
    const reader = new Http1Reader(socket);
    const writer = new Http1Writer(socket);
    while (performance.now() < deadline) {
      const t0 = performance.now();
      writer.writeRequestHead(head("GET", "/small"), { kind: "none" });
      await writer.end();
      const res = await reader.readResponseHead("GET");
      for await (const _ of reader.body()) { /* drain */ }
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      latencies.push(performance.now() - t0);
    }
    socket.destroy();
  }));
  latencies.sort((a, b) => a - b);
  const seconds = opts.seconds ?? 5;
  return {
    rps: latencies.length / seconds,
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
    requests: latencies.length,
  };
}

async function download(): Promise<unknown> {
  const socket = await open();
  const reader = new Http1Reader(socket);
  const writer = new Http1Writer(socket);
  const t0 = performance.now();
  writer.writeRequestHead(head("GET", `/big?mb=${opts.mb ?? 50}`), { kind: "none" });
  await writer.end();
  const res = await reader.readResponseHead("GET");
  let bytes = 0;
  for await (const chunk of reader.body()) bytes += chunk.length;
  const seconds = (performance.now() - t0) / 1000;
  socket.destroy();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return { mbps: bytes / 2 ** 20 / seconds, bytes };
}

async function upload(): Promise<unknown> {
  const socket = await open();
  const reader = new Http1Reader(socket);
  const writer = new Http1Writer(socket);
  const total = (opts.mb ?? 50) * 2 ** 20;
  const chunk = new TextEncoder().encode(
    "upload data for the benchmark, plain words only\n".repeat(1365),
  );
  const t0 = performance.now();
  writer.writeRequestHead(head("POST", "/upload"), { kind: "length", length: total });
  for (let sent = 0; sent < total; sent += chunk.length) {
    await writer.write(chunk.subarray(0, Math.min(chunk.length, total - sent)));
  }
  await writer.end();
  const res = await reader.readResponseHead("POST");
  let answer = "";
  for await (const part of reader.body()) answer += new TextDecoder().decode(part);
  const seconds = (performance.now() - t0) / 1000;
  socket.destroy();
  if (res.status !== 200 || Number(answer) !== total) {
    throw new Error(`upload failed: ${res.status} ${answer}`);
  }
  return { mbps: total / 2 ** 20 / seconds, bytes: total };
}

const result = opts.mode === "small"
  ? await small()
  : opts.mode === "download"
  ? await download()
  : await upload();
console.log(JSON.stringify(result));
