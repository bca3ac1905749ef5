import { Buffer } from "node:buffer";
import type { Finding, StreamScanner } from "./_types.ts";

// Test-only helpers shared by the DLP tests.

/** Latin1 bytes of a string (tests use ASCII). */
export function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, "latin1"));
}

/** Feed `text` to a stream cut at the given offsets; returns every finding, in order. */
export function streamAll(stream: StreamScanner, text: string, cuts: readonly number[]): Finding[] {
  const bytes = bytesOf(text);
  const out: Finding[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    for (const f of stream.push(bytes.subarray(from, cut))) out.push(f);
    from = cut;
  }
  for (const f of stream.end()) out.push(f);
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** The parts of findings a user sees, for comparisons. */
export function spans(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.detector}/${f.rule}@${f.start}-${f.end}`);
}

/** Every encoding of `secret` that `known_secrets` promises to catch, by expected rule suffix. */
export function encodings(secret: string): [string, string][] {
  const hex = Buffer.from(secret).toString("hex");
  const out: [string, string][] = [
    ["raw", secret],
    ["hex", hex],
    ["hex", hex.toUpperCase()],
    ["urlencoded", hex.replace(/../g, "%$&")],
    ["urlencoded", hex.toUpperCase().replace(/../g, "%$&")],
  ];
  for (const prefix of ["", "x", "xy"]) {
    const std = Buffer.from(`${prefix}${secret}!`).toString("base64");
    out.push(["base64", std], ["base64", std.replace(/\+/g, "-").replace(/\//g, "_")]);
  }
  out.push(["base64", Buffer.from(secret).toString("base64").replace(/.{4}/g, "$&\r\n")]);
  for (const sep of ["-", ".", "_", " ", "/", ":", ", ", "\n"]) {
    out.push(["separated", [...secret].join(sep)]);
  }
  return out;
}
