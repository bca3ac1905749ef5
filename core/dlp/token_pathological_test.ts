import assert from "node:assert/strict";
import { spans, streamAll } from "./_testing.ts";
import { TOKEN_SPECS } from "./_token_rules.ts";
import { DlpEngine } from "./mod.ts";

// Every literal of the token table, repeated or followed by a long run of token characters with
// no terminator: inputs that make a backtracking scanner quadratic. Each scan must stay linear,
// which a generous time bound per megabyte checks (a quadratic one takes minutes, not seconds).

const dlp = new DlpEngine({ knownSecrets: [] });
const TOKENS = { detectors: ["token_patterns"] as const, location: "body" };
const SIZE = 64 * 1024;
/**
 * Seconds per MiB that no linear scan comes near, even on a loaded machine running the suite in
 * parallel (a scan takes about 0.4 s/MiB alone); a quadratic one takes minutes per MiB.
 */
const SECONDS_PER_MIB = 12;

function fill(unit: string, size = SIZE): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

// Compile and warm the engine first, so the first measured scan does not pay for it.
dlp.scanOutbound("x".repeat(SIZE), TOKENS);

/**
 * Seconds per MiB for one scan of `text`; a scan over the bound is timed twice more and the
 * fastest counts, so a load spike on a shared machine is not read as a quadratic scan (which is
 * slow every time).
 */
function secondsPerMib(text: string): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 3 && best >= SECONDS_PER_MIB; attempt++) {
    const started = performance.now();
    dlp.scanOutbound(text, TOKENS);
    best = Math.min(best, (performance.now() - started) / 1000 / (text.length / 2 ** 20));
  }
  return best;
}

// Two literals of each rule: the rest of a rule's literals share its regex (a keyword rule has a
// dozen spellings of one label).
const literals = [...new Set(TOKEN_SPECS.flatMap((spec) => spec.literals.slice(0, 2)))];

Deno.test(`token_patterns scans every literal repeated (${literals.length} literals) in linear time`, () => {
  let worst = 0;
  for (const literal of literals) {
    const variants = [literal, `${literal}_api_key=`];
    for (const unit of variants) worst = Math.max(worst, secondsPerMib(fill(unit)));
  }
  assert.ok(worst < SECONDS_PER_MIB, `${worst.toFixed(2)} s/MiB`);
});

Deno.test("token_patterns scans each literal before a long run of token characters in linear time", () => {
  let worst = 0;
  for (const literal of literals) {
    for (const run of ["a", "0f", "A1b-", "a.b_"]) {
      const text = `${literal}${fill(run, SIZE - literal.length)}`;
      worst = Math.max(worst, secondsPerMib(text));
    }
  }
  assert.ok(worst < SECONDS_PER_MIB, `${worst.toFixed(2)} s/MiB`);
});

Deno.test("token_patterns streams repeated labels and URL userinfo in small chunks like one scan", () => {
  for (
    const unit of ["HEROKU_API_KEY=", "postgres://u:", "sv=2022-01-01&", "123456:AA", "jdbc:x?"]
  ) {
    const text = fill(unit, 64 * 1024);
    const cuts = Array.from({ length: text.length / 1000 }, (_, i) => i * 1000 + 3);
    assert.deepEqual(
      spans(streamAll(dlp.outboundStream(TOKENS), text, cuts)),
      spans(dlp.scanOutbound(text, TOKENS)),
    );
  }
});
