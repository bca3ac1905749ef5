/**
 * Throughput of the DLP stream scanners with every default detector: 64 KiB chunks of random
 * base64, of English-like text and of mixed traffic (the bodies of the corpus's benign cases:
 * registry JSON, lockfiles, pages, source, images) through `outboundStream` and `inboundStream`,
 * best of three rounds, by wall clock and by the process's CPU time (steadier on a shared
 * machine). Mixed traffic is also scanned as the proxy meets it, a stream per body (most are a
 * few kilobytes, so what a stream costs to open and close shows), and so is the request an agent
 * sends its model most (about 96 KiB of JSON carrying source code: escapes on every line). Then
 * the cost of each detector alone on the mixed traffic.
 */
import { cpuUsage } from "node:process";
import {
  defaultDetectors,
  DlpEngine,
  type InboundDetector,
  type OutboundDetector,
  type StreamScanner,
} from "../../core/dlp/mod.ts";
import { bodyBytes, loadCorpus } from "../dlp_corpus/mod.ts";

const CHUNK = 64 * 1024;
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const WORDS = ("the of and to in is that for it with as was on be by this are from at or an " +
  "have not which but had they you were his all one there can their has been more when will " +
  "would who so if out about up what into them some could time these two may then do first " +
  "any my now such like our over man me even most made after also did many before must " +
  "request response server client token header value json array object string number " +
  "function return import export const async await error message status config").split(" ");

/** One measured row. */
export interface ThroughputRow {
  /** What was scanned. */
  label: string;
  /** MB/s by wall clock. */
  wallMBs: number;
  /** MB/s by CPU time. */
  cpuMBs: number;
  /** Findings in the last round. */
  findings: number;
}

function randomBase64(): Uint8Array {
  const bytes = crypto.getRandomValues(new Uint8Array(CHUNK));
  return bytes.map((b) => B64.charCodeAt(b & 63));
}

function randomText(): Uint8Array {
  const random = crypto.getRandomValues(new Uint16Array(CHUNK / 2));
  let text = "";
  for (let i = 0; text.length < CHUNK; i++) {
    const r = random[i % random.length]!;
    text += WORDS[r % WORDS.length] + (r % 17 === 0 ? ".\n" : r % 11 === 0 ? ", " : " ");
  }
  return new TextEncoder().encode(text.slice(0, CHUNK));
}

/**
 * What a coding agent sends its model most: one JSON request of about 96 KiB whose messages carry
 * source code. JSON escapes every line break and quote of the code, and the code's own string
 * literals (`"\\n"`, `\\d`) come out escaped twice, so the decoded views read most of it once
 * per layer. The code is made up from a fixed seed, so every run scans the same bytes.
 */
function agentRequest(): Uint8Array {
  let seed = 20261207;
  const pick = <T>(list: readonly T[]): T => {
    seed = (seed * 48271) % 2147483647;
    return list[seed % list.length]!;
  };
  const names = ["request", "buffer", "config", "token", "result", "chunk", "header", "stream"];
  const lines: string[] = [];
  for (let length = 0; length < 30 * 1024; length += lines.at(-1)!.length + 1) {
    const [a, b] = [pick(names), pick(names)];
    lines.push(
      pick([
        `  const ${a}Count = ${b}.length + ${seed % 97};`,
        `  if (${a} === undefined) throw new Error("no ${a} for \\"${b}\\"");`,
        `  // Why: the ${a} must be read before the ${b} is released.`,
        `  out.push(\`\${${a}}: \${${b}}\\n\`);`,
        `  const pattern = /^${a}\\s*=\\s*(\\d+)$/;`,
        `  return ${a}.map((x) => x.${b}).join("\\t");`,
        "}",
        `export function ${a}Of(${b}: Uint8Array): number {`,
      ]),
    );
  }
  const source = lines.join("\n");
  const body = JSON.stringify({
    model: "model-large",
    max_tokens: 4096,
    system: "You are a coding agent.\nAnswer with a patch.",
    messages: [0, 1, 2].map((k) => ({
      role: "user",
      content: [{ type: "text", text: `File ${k}:\n\`\`\`ts\n${source}\n\`\`\`` }],
    })),
  });
  return new TextEncoder().encode(body);
}

/** The benign corpus's request and response bodies (the empty ones left out). */
function mixedBodies(): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const c of loadCorpus()) {
    if (c.label !== "benign") continue;
    parts.push(bodyBytes(c.request));
    if (c.response !== undefined) parts.push(bodyBytes(c.response));
  }
  return parts.filter((part) => part.length > 0);
}

/** The benign corpus's request and response bodies, joined and cut into chunks. */
function mixedTraffic(): Uint8Array[] {
  const parts = mixedBodies();
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  const chunks: Uint8Array[] = [];
  for (let i = 0; i + CHUNK <= all.length; i += CHUNK) chunks.push(all.slice(i, i + CHUNK));
  return chunks;
}

/** CPU seconds to scan `total` bytes of `chunks` (cycled) in one stream, best of three. */
function cpuSeconds(total: number, chunks: Uint8Array[], open: () => StreamScanner): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const scanner = open();
    const started = cpuUsage();
    for (let i = 0, bytes = 0; bytes < total; i++) {
      const c = chunks[i % chunks.length]!;
      scanner.push(c);
      bytes += c.length;
    }
    scanner.end();
    const used = cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return best;
}

/** One size check: the same traffic at two sizes, one stream each. */
export interface ScalingRow {
  /** What was scanned. */
  label: string;
  /** The smaller size, in MB (the larger is twice that). */
  megabytes: number;
  /** CPU seconds for the smaller size. */
  seconds: number;
  /** CPU seconds for twice the data. */
  doubledSeconds: number;
}

/**
 * Check that the scan stays linear: mixed traffic in one stream of `megabytes`, then of twice
 * that; the time should double (a ratio near 2), never grow faster.
 *
 * @param megabytes The smaller size.
 * @returns One row per direction.
 */
export function measureScaling(megabytes: number): ScalingRow[] {
  const dlp = new DlpEngine({ knownSecrets: ["ghp_R8x2Kq9LmT4vW7yZ1aB3cD5eF6gH0jN2pQ4s"] });
  const mixed = mixedTraffic();
  const outbound = () =>
    dlp.outboundStream({ detectors: defaultDetectors("outbound"), location: "body" });
  const inbound = () =>
    dlp.inboundStream({ detectors: defaultDetectors("inbound"), location: "body" });
  const rows: ScalingRow[] = [];
  for (const [label, open] of [["outbound", outbound], ["inbound", inbound]] as const) {
    cpuSeconds(1e6, mixed, open);
    rows.push({
      label: `${label} defaults, mixed traffic`,
      megabytes,
      seconds: cpuSeconds(megabytes * 1e6, mixed, open),
      doubledSeconds: cpuSeconds(2 * megabytes * 1e6, mixed, open),
    });
  }
  return rows;
}

/**
 * Best of three rounds of scanning `total` bytes of `chunks` (cycled): in one stream, or with
 * `perStream` in a stream of its own for each chunk (as the proxy scans each body).
 */
function measure(
  label: string,
  total: number,
  chunks: Uint8Array[],
  open: () => StreamScanner,
  perStream = false,
): ThroughputRow {
  const warm = open();
  for (const c of chunks) warm.push(c);
  let wall = Infinity;
  let cpu = Infinity;
  let findings = 0;
  for (let round = 0; round < 3; round++) {
    let scanner = open();
    let bytes = 0;
    findings = 0;
    const started = performance.now();
    const cpuStarted = cpuUsage();
    for (let i = 0; bytes < total; i++) {
      const c = chunks[i % chunks.length]!;
      findings += scanner.push(c).length;
      bytes += c.length;
      if (perStream) {
        findings += scanner.end().length;
        scanner = open();
      }
    }
    findings += scanner.end().length;
    const used = cpuUsage(cpuStarted);
    wall = Math.min(wall, (performance.now() - started) / 1000);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  return { label, wallMBs: total / 1e6 / wall, cpuMBs: total / 1e6 / cpu, findings };
}

/**
 * Measure the rows.
 *
 * @param megabytes How much each row scans.
 * @returns The rows.
 */
export function measureThroughput(megabytes: number): ThroughputRow[] {
  const total = megabytes * 1e6;
  const dlp = new DlpEngine({
    knownSecrets: [
      "ghp_R8x2Kq9LmT4vW7yZ1aB3cD5eF6gH0jN2pQ4s",
      "sk-ant-api03-Xy7Qm2Lp9Rt4Vw8Zb1Cd3Ef5Gh6Jk0Mn2Pq4St6Uv8Wx0Yz2Ab4Cd6Ef8Gh0Jk2Lm4No6Pq8Rs0Tu",
      "AKIAZ7QX3M2K5LJ8P4RW/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ],
    canary: "c4n4ry-Jq3nV8sLw2Xz7Rb5Tm1Ky9Pd0Hf6Ga4",
  });
  const outbound = { detectors: defaultDetectors("outbound"), location: "body" };
  const inbound = { detectors: defaultDetectors("inbound"), location: "body" };
  const base64 = Array.from({ length: 16 }, randomBase64);
  const text = Array.from({ length: 16 }, randomText);
  const mixed = mixedTraffic();
  const bodies = mixedBodies();
  const out = () => dlp.outboundStream(outbound);
  const into = () => dlp.inboundStream(inbound);
  const rows = [
    measure("outbound defaults, random base64", total, base64, out),
    measure("outbound defaults, random text", total, text, out),
    measure("outbound defaults, mixed traffic", total, mixed, out),
    measure("outbound defaults, mixed, a stream per body", total / 5, bodies, out, true),
    measure("outbound defaults, agent API request JSON", total / 5, [agentRequest()], out, true),
    measure("inbound defaults, random base64", total, base64, into),
    measure("inbound defaults, random text", total, text, into),
    measure("inbound defaults, mixed traffic", total, mixed, into),
    measure("inbound defaults, mixed, a stream per body", total / 5, bodies, into, true),
  ];
  // Each detector alone (the canary rides along on every outbound scan).
  const alone = total / 2;
  rows.push(
    measure("outbound canary only, mixed", alone, mixed, () => dlp.outboundStream(only([]))),
  );
  for (const name of defaultDetectors("outbound")) {
    rows.push(
      measure(`outbound ${name} only, mixed`, alone, mixed, () => dlp.outboundStream(only([name]))),
    );
  }
  for (const name of defaultDetectors("inbound")) {
    rows.push(
      measure(`inbound ${name} only, mixed`, alone, mixed, () => dlp.inboundStream(onlyIn([name]))),
    );
  }
  return rows;
}

function only(detectors: OutboundDetector[]) {
  return { detectors, location: "body" };
}

function onlyIn(detectors: InboundDetector[]) {
  return { detectors, location: "body" };
}
