import assert from "node:assert/strict";
import { spans, streamAll } from "./_testing.ts";
import { DlpEngine } from "./mod.ts";

// Inputs built to make the checksummed pass look closer at every sample. They assert only that
// each scan completes with the expected findings and that a stream agrees: a regression to
// quadratic time shows up as a hung test run.

const dlp = new DlpEngine({ knownSecrets: [] });
const CHECKSUMMED = { detectors: ["checksummed"] as const, location: "body" };
const MB = 1 << 20;

function fill(unit: string, size = MB): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** [name, input, expected findings] */
const INPUTS: [string, string, number][] = [
  ["one digit run", fill("4"), 0],
  ["digits and spaces", fill("4 "), 0],
  ["card-sized groups", fill("4111 "), 0],
  ["digit groups of every separator", fill("12.34-56 78"), 0],
  ["CPF punctuation", fill("123.456.789-"), 0],
  ["a CPF after another", fill("529.982.247-25 "), Math.floor(MB / 15)],
  ["one base58 run", fill(BASE58), 0],
  ["base58 runs of address length", fill(`1${BASE58.slice(0, 33)} `), 0],
  ["WIF-length runs", fill(`5${BASE58.slice(8, 58)} `), 0],
  ["bech32 prefixes", fill("bc1"), 0],
  ["IBAN country codes", fill("DE89 "), 0],
  ["long letter runs", fill("xprv"), 0],
];

for (const [name, input, expected] of INPUTS) {
  Deno.test(`checksummed scans 1 MiB of ${name} in linear time`, () => {
    const whole = dlp.scanOutbound(input, CHECKSUMMED);
    assert.equal(whole.length, expected);
    const cuts = Array.from({ length: MB / 4096 }, (_, i) => i * 4096 + 7);
    assert.deepEqual(spans(streamAll(dlp.outboundStream(CHECKSUMMED), input, cuts)), spans(whole));
  });
}
