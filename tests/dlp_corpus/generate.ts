// deno-lint-ignore-file no-console -- a generator reports what it wrote
/**
 * Write `corpus.jsonl` from the seeded builders (`deno run -P=test tests/dlp_corpus/generate.ts`).
 * Run it after changing a builder and commit both; `corpus_test.ts` fails while they disagree.
 *
 * @module
 */
import { corpusText } from "./_build.ts";

const target = new URL("./corpus.jsonl", import.meta.url);
const text = corpusText();
await Deno.writeTextFile(target, text);
console.log(
  `wrote ${text.split("\n").length - 1} cases (${
    (text.length / 1e6).toFixed(2)
  } MB) to ${target.pathname}`,
);
