import assert from "node:assert/strict";
import { type Automaton, buildAutomaton, runAutomaton } from "./_automaton.ts";
import { bytesOf } from "./_testing.ts";

// A long range is scanned in two interleaved lanes, the second started `window` bytes early
// from the root. What it reports must be exactly what one lane over the whole range reports, for
// matches that end anywhere, including at and around every place a lane's part begins.

/** Lower-case letters are classes 1..26; anything else is class 0. */
function letters(): Uint8Array {
  const classes = new Uint8Array(256);
  for (let b = 97; b <= 122; b++) classes[b] = b - 96;
  return classes;
}

const PATTERNS = ["abc", "bcd", "zz", "needle", "abcdefghij"];
const WINDOW = 10;

function automaton(): Automaton {
  const classes = letters();
  return buildAutomaton(
    PATTERNS.map((p) => [...p].map((ch) => classes[ch.charCodeAt(0)]!)),
    { classes, width: 27 },
  );
}

/** What one lane reports: the reference the lanes are held to. */
function oneLane(a: Automaton, bytes: Uint8Array, from: number, to: number, state: number) {
  const hits: number[] = [];
  let st = state;
  for (let j = from; j < to; j++) {
    st = a.delta[st + a.classes[bytes[j]!]!]!;
    if (st >= a.acceptFrom) hits.push(j, st);
  }
  return { hits, state: st };
}

function run(a: Automaton, bytes: Uint8Array, from: number, to: number, state = 0) {
  const hits: number[] = [];
  const end = runAutomaton(a, bytes, { from, to, state, window: WINDOW }, hits);
  return { hits, state: end };
}

/** Text of filler with `word` written so that it ends at each offset in `ends`. */
function textWith(length: number, word: string, ends: number[]): Uint8Array {
  const bytes = new Uint8Array(length).fill(0x2e);
  for (const end of ends) {
    for (let k = 0; k < word.length; k++) bytes[end - word.length + 1 + k] = word.charCodeAt(k);
  }
  return bytes;
}

Deno.test("the automaton's lanes report what one lane reports, matches at every lane seam", () => {
  const a = automaton();
  for (const length of [39, 40, 41, 79, 80, 81, 200, 1001]) {
    for (const word of PATTERNS) {
      for (let end = word.length - 1; end < length; end++) {
        const bytes = textWith(length, word, [end]);
        assert.deepEqual(
          run(a, bytes, 0, length),
          oneLane(a, bytes, 0, length, 0),
          `${word}@${end}`,
        );
      }
    }
  }
});

Deno.test("the automaton's lanes carry the state in and out as one lane does", () => {
  const a = automaton();
  // A match begun before the range (state carried in) ends inside the first lane; one begun at
  // the range's end carries its state out.
  const bytes = bytesOf(`abcdefg${"x".repeat(300)}abcdefg`);
  const head = oneLane(a, bytes, 0, 3, 0);
  for (const [from, to] of [[3, bytes.length], [3, 200], [0, bytes.length - 2]] as const) {
    const state = from === 0 ? 0 : head.state;
    assert.deepEqual(run(a, bytes, from, to, state), oneLane(a, bytes, from, to, state));
  }
});

Deno.test("the automaton's lanes report every one of dense matches once", () => {
  const a = automaton();
  const bytes = bytesOf("zzzz abcd needle ".repeat(60));
  const { hits } = run(a, bytes, 0, bytes.length);
  assert.deepEqual(hits, oneLane(a, bytes, 0, bytes.length, 0).hits);
  // zzzz: three ends; abcd: abc and bcd; needle: one.
  assert.equal(hits.length / 2, 60 * 6);
});

/**
 * Every (end offset, pattern id) where a pattern ends, by brute force: `ignore` bytes skipped, a
 * run of `collapse` bytes read as one (at the offset of its first).
 */
function bruteForce(patterns: string[], text: string, ignore = "", collapse = ""): string[] {
  const kept: { ch: string; at: number }[] = [];
  for (let at = 0; at < text.length; at++) {
    if (ignore.includes(text[at]!)) continue;
    if (collapse.includes(text[at]!) && text[at - 1] === text[at]) continue;
    kept.push({ ch: text[at]!, at });
  }
  const found: string[] = [];
  for (let k = 0; k < kept.length; k++) {
    patterns.forEach((p, id) => {
      if (k + 1 < p.length) return;
      const tail = kept.slice(k + 1 - p.length, k + 1).map((x) => x.ch).join("");
      if (tail === p) found.push(`${kept[k]!.at}:${id}`);
    });
  }
  return found.sort();
}

/** What the automaton reports, in the same form. */
function reported(a: Automaton, text: string): string[] {
  const found: string[] = [];
  let st = 0;
  for (let j = 0; j < text.length; j++) {
    st = a.delta[st + a.classes[text.charCodeAt(j)]!]!;
    if (st >= a.acceptFrom) { for (const id of a.outputs(st)) found.push(`${j}:${id}`); }
    else assert.deepEqual(a.outputs(st), [], "a state below acceptFrom ends no pattern");
  }
  return found.sort();
}

Deno.test("the automaton reports every pattern ending at every offset, as a brute-force search", () => {
  // Patterns over four letters that share prefixes, suffixes and inner parts (fail links to
  // every depth), duplicates and one pattern inside another: the table is renumbered along long
  // cycles of states.
  let seed = 7;
  const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
  const word = (length: number) => Array.from({ length }, () => "abcd"[random(4)]!).join("");
  for (let round = 0; round < 40; round++) {
    const patterns = Array.from({ length: 3 + random(25) }, () => word(1 + random(6)));
    const text = word(400);
    const classes = new Uint8Array(256);
    for (const [i, ch] of [..."abcd"].entries()) classes[ch.charCodeAt(0)] = i + 1;
    const coded = patterns.map((p) => [...p].map((ch) => classes[ch.charCodeAt(0)]!));
    const a = buildAutomaton(
      coded,
      { classes, width: 5 },
    );
    assert.deepEqual(reported(a, text), bruteForce(patterns, text), `round ${round}`);
    // Its ignored class is skipped inside and between matches.
    const ignoring = buildAutomaton(
      coded,
      { classes, width: 5, ignoreClass: 4 },
    );
    const plain = patterns.filter((p) => !p.includes("d"));
    const ids = patterns.flatMap((p, id) => p.includes("d") ? [] : [id]);
    const expected = bruteForce(plain, text, "d").map((hit) => {
      const [at, k] = hit.split(":");
      return `${at}:${ids[Number(k)]}`;
    });
    // A match is reported again at each ignored byte after it (the state stays): read those as
    // the match they repeat.
    const ended = reported(ignoring, text).map((hit) => {
      const [at, id] = hit.split(":");
      let j = Number(at);
      while (text[j] === "d") j--;
      return `${j}:${id}`;
    });
    assert.deepEqual([...new Set(ended)].sort(), expected.sort(), `round ${round}, ignoring d`);
    // A run of its collapsed class counts as one character where a pattern has that class.
    const collapsing = buildAutomaton(
      coded,
      { classes, width: 5, collapseClass: 4 },
    );
    const firstOfRun = reported(collapsing, text).map((hit) => {
      const [at, id] = hit.split(":");
      let j = Number(at);
      while (text[j] === "d" && text[j - 1] === "d") j--;
      return `${j}:${id}`;
    });
    assert.deepEqual(
      [...new Set(firstOfRun)].sort(),
      bruteForce(patterns, text, "", "d"),
      `round ${round}, collapsing d`,
    );
  }
});

Deno.test("the automaton refuses an empty pattern", () => {
  assert.throws(
    () => buildAutomaton([[1], []], { classes: new Uint8Array(256), width: 2 }),
    /pattern 1: it is empty/,
  );
});
