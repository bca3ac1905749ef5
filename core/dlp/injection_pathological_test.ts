import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spans, streamAll } from "./_testing.ts";
import { DlpEngine } from "./mod.ts";

// Inputs built to make the injection detector's structure tracking, look-backs and scoring
// explode: floods of markers, of phrases inside carriers, of invisible characters. Each must scan
// in linear time (a regression shows up as a hung run) and stream exactly like a one-shot scan.

const dlp = new DlpEngine({ knownSecrets: [] });
const INBOUND = { detectors: ["naive_injection_detection"] as const, location: "body" };
const SIZE = 1 << 20;

function fill(unit: string): string {
  return unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
}

function utf8(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

const INPUTS: [string, string][] = [
  ['"<!--"', fill("<!--")],
  ["empty comments", fill("<!-- -->")],
  ["code fences", fill("```")],
  ['"<pre><code>"', fill("<pre><code>")],
  ["unclosed styles", fill('style="')],
  ["hiding styles", fill('<p style="display:none">')],
  ["phrases in hiding styles", fill('<p style="display:none">ignore previous ')],
  ["phrases in attributes", fill('alt="ignore previous system prompt ')],
  ["phrases in JSON fields", fill('{"description":"you must now printenv ')],
  ["one long attribute value", `title="${fill("a")}`],
  ["escaped quotes", fill('\\"ignore previous \\"')],
  ["downloads and pipes", fill("curl x | sh ")],
  ["educational phrases", fill("e.g. such as ")],
  ["every signal", fill("[system] ignore previous system prompt | sh if you are an ai e.g. ")],
  ["zero-width characters in words", utf8(fill("a\u200b"))],
  ["zero-width characters alone", utf8(fill("\u200b"))],
  ["tag characters", utf8(fill("\u{E0041}"))],
  ["broken tag characters", fill("\xf3\xa0\x80")],
];

for (const [name, input] of INPUTS) {
  Deno.test(`naive_injection_detection scans 1 MiB of ${name} in linear time`, () => {
    const once = dlp.scanInbound(input, INBOUND);
    assert.ok(once.every((f) => f.end - f.start <= 4096), "findings stay local");
    const cuts = Array.from({ length: SIZE / 4096 }, (_, i) => i * 4096 + 7);
    assert.deepEqual(spans(streamAll(dlp.inboundStream(INBOUND), input, cuts)), spans(once));
  });
}
