// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * Throughput of the DLP stream scanners with the default detectors (SPEC §6.1: the proxy must pass
 * 150 MB/s, so the scanners target ≥ 400 MB/s on one core). Plain script:
 *
 *     deno run tests/bench/dlp_bench.ts [megabytes]
 *
 * Feeds 64 KiB chunks of random base64 and of random English-like text (50 MB each by default)
 * through `outboundStream` (token_patterns + known_secrets with three secrets and a canary) and
 * `inboundStream` (naive_injection_detection), and prints MB/s per data set: best of three rounds,
 * by wall clock and by the process's CPU time (the second is steadier on a shared machine).
 *
 * @module
 */
import { cpuUsage } from "node:process";
import { defaultDetectors, DlpEngine } from "../../core/dlp/mod.ts";

const CHUNK = 64 * 1024;
const TOTAL = Number(Deno.args[0] ?? 50) * 1e6;
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const WORDS = ("the of and to in is that for it with as was on be by this are from at or an " +
  "have not which but had they you were his all one there can their has been more when will " +
  "would who so if out about up what into them some could time these two may then do first " +
  "any my now such like our over man me even most made after also did many before must " +
  "request response server client token header value json array object string number " +
  "function return import export const async await error message status config").split(" ");

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

interface Scanner {
  push(chunk: Uint8Array): unknown[];
  end(): unknown[];
}

function measure(label: string, chunks: Uint8Array[], open: () => Scanner): void {
  const warm = open();
  for (const c of chunks) warm.push(c);
  let wall = Infinity;
  let cpu = Infinity;
  let findings = 0;
  for (let round = 0; round < 3; round++) {
    const scanner = open();
    let bytes = 0;
    findings = 0;
    const started = performance.now();
    const cpuStarted = cpuUsage();
    for (let i = 0; bytes < TOTAL; i++) {
      const c = chunks[i % chunks.length]!;
      findings += scanner.push(c).length;
      bytes += c.length;
    }
    findings += scanner.end().length;
    const used = cpuUsage(cpuStarted);
    wall = Math.min(wall, (performance.now() - started) / 1000);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  const rate = (seconds: number) => (TOTAL / 1e6 / seconds).toFixed(0).padStart(6);
  console.log(
    `${label.padEnd(34)} ${rate(wall)} MB/s wall ${rate(cpu)} MB/s cpu  (${findings} findings)`,
  );
}

const dlp = new DlpEngine({
  knownSecrets: [
    "ghp_R8x2Kq9LmT4vW7yZ1aB3cD5eF6gH0jN2pQ4s",
    "sk-ant-api03-Xy7Qm2Lp9Rt4Vw8Zb1Cd3Ef5Gh6Jk0Mn2Pq4St6Uv8Wx0Yz2Ab4Cd6Ef8Gh0Jk2Lm4No6Pq8Rs0Tu",
    "AKIAZ7QX3M2K5LJ8P4RW/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  ],
  canary: "c4n4ry-Jq3nV8sLw2Xz7Rb5Tm1Ky9Pd0Hf6Ga4",
});
const outbound = { detectors: defaultDetectors("outbound"), location: "body" };
const inbound = { detectors: ["naive_injection_detection"] as const, location: "body" };
const base64 = Array.from({ length: 16 }, randomBase64);
const text = Array.from({ length: 16 }, randomText);

console.log(`DLP stream throughput, ${TOTAL / 1e6} MB per row, ${CHUNK / 1024} KiB chunks`);
measure("outbound defaults, random base64", base64, () => dlp.outboundStream(outbound));
measure("outbound defaults, random text", text, () => dlp.outboundStream(outbound));
measure("inbound defaults, random base64", base64, () => dlp.inboundStream(inbound));
measure("inbound defaults, random text", text, () => dlp.inboundStream(inbound));
