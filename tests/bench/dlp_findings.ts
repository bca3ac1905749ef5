// deno-lint-ignore-file no-console -- a tool prints its results
/**
 * Every DLP finding over the corpus, one line per case, part and chunking, to compare two trees
 * byte for byte (a speed change must not change what is found):
 *
 *     deno run -P=test tests/bench/dlp_findings.ts [ROOT] > after.tsv
 *     deno run -P=test tests/bench/dlp_findings.ts /path/to/main/checkout > before.tsv
 *     cmp before.tsv after.tsv
 *
 * `ROOT` is the checkout whose `core/dlp` and corpus are loaded (this one by default). Each case's
 * URL, header values and bodies go through a stream (outbound, inbound, reflection) pushed in
 * chunks of 1, 7, 64, 4096 and 65536 bytes and whole, and through the one-shot scan; then all
 * bodies joined, as one long stream per direction. The row count goes to stderr.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Finding, StreamScanner } from "../../core/dlp/mod.ts";

/** Chunk sizes pushed; 0 pushes the whole part at once. */
const CHUNKINGS = [1, 7, 64, 4096, 65536, 0];
/** Chunk sizes for all bodies joined in one stream. */
const LONG_CHUNKINGS = [4093, 65536];

const root = Deno.args[0] ?? fileURLToPath(new URL("../..", import.meta.url));
const dlpMod: typeof import("../../core/dlp/mod.ts") = await import(
  pathToFileURL(join(root, "core/dlp/mod.ts")).href
);
const corpusMod: typeof import("../dlp_corpus/mod.ts") = await import(
  pathToFileURL(join(root, "tests/dlp_corpus/mod.ts")).href
);
const { defaultDetectors, DlpEngine } = dlpMod;
const dlp = new DlpEngine({
  knownSecrets: corpusMod.PROVISIONED_SECRETS,
  canary: corpusMod.PROVISIONED_CANARY,
});
const outbound = defaultDetectors("outbound");
const inbound = defaultDetectors("inbound");

type Direction = "out" | "in" | "reflect";

/** A part of a case to scan: its direction, where it sits, its bytes. */
interface Part {
  direction: Direction;
  location: string;
  bytes: Uint8Array;
}

function open(direction: Direction, location: string): StreamScanner {
  if (direction === "out") return dlp.outboundStream({ detectors: outbound, location });
  if (direction === "in") return dlp.inboundStream({ detectors: inbound, location });
  return dlp.reflectionStream({ location });
}

function scanOnce(part: Part): Finding[] {
  const text = Buffer.from(part.bytes).toString("latin1");
  const { location } = part;
  if (part.direction === "out") return dlp.scanOutbound(text, { detectors: outbound, location });
  if (part.direction === "in") return dlp.scanInbound(text, { detectors: inbound, location });
  return dlp.scanReflection(text, { location });
}

function streamed(part: Part, size: number): Finding[] {
  const stream = open(part.direction, part.location);
  const found: Finding[] = [];
  const step = size === 0 ? Math.max(1, part.bytes.length) : size;
  for (let i = 0; i < part.bytes.length; i += step) {
    found.push(...stream.push(part.bytes.subarray(i, i + step)));
  }
  found.push(...stream.end());
  return found;
}

function latin1(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "latin1"));
}

const lines: string[] = [];
const joined: Record<"out" | "in", Uint8Array[]> = { out: [], in: [] };
for (const c of corpusMod.loadCorpus()) {
  const parts: Part[] = [
    { direction: "out", location: "url", bytes: latin1(c.request.target) },
    ...c.request.headers.map(([name, value]): Part => ({
      direction: "out",
      location: `header:${name}`,
      bytes: latin1(value),
    })),
    { direction: "out", location: "body", bytes: corpusMod.bodyBytes(c.request) },
  ];
  joined.out.push(parts.at(-1)!.bytes);
  if (c.response !== undefined) {
    const events = c.response.events?.map((e) => `${e}\n\n`).join("");
    const bytes = events === undefined ? corpusMod.bodyBytes(c.response) : latin1(events);
    parts.push({ direction: "in", location: "body", bytes });
    parts.push({ direction: "reflect", location: "body", bytes });
    joined.in.push(bytes);
  }
  for (const part of parts) {
    if (part.bytes.length === 0) continue;
    const what = `${c.id}\t${part.direction}\t${part.location}`;
    for (const size of CHUNKINGS) {
      lines.push(`${what}\t${size || "whole"}\t${JSON.stringify(streamed(part, size))}`);
    }
    lines.push(`${what}\tonce\t${JSON.stringify(scanOnce(part))}`);
  }
}
for (const direction of ["out", "in"] as const) {
  const bytes = new Uint8Array(Buffer.concat(joined[direction]));
  for (const size of LONG_CHUNKINGS) {
    for (const finding of streamed({ direction, location: "body", bytes }, size)) {
      lines.push(`all bodies\t${direction}\tbody\t${size}\t${JSON.stringify(finding)}`);
    }
  }
}
console.log(lines.join("\n"));
console.error(`${lines.length} rows`);
