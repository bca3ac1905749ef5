import assert from "node:assert/strict";
import { latin1Comments } from "./_latin1_comments.ts";

/** Whether every character of `text` fits in one byte (what lets V8 store it one-byte). */
function oneByte(text: string): boolean {
  return !/[\u0100-\uffff]/.test(text);
}

Deno.test("latin1Comments() escapes the wide characters of comment lines and leaves Latin-1 alone", () => {
  const source = [
    "// from 100\u2013999, then \u2026",
    "/** Head text \u2192 route (level \u2265 1). */",
    " * a smile \u{1F600} in a block comment",
    "  /* caf\u00e9 \u00b5s \u00d7 2 */",
    "const a = 1; // code first: not a comment line",
  ].join("\n");
  const { text, left } = latin1Comments(source);
  assert.deepEqual(text.split("\n"), [
    "// from 100\\u2013999, then \\u2026",
    "/** Head text \\u2192 route (level \\u2265 1). */",
    " * a smile \\ud83d\\ude00 in a block comment",
    "  /* caf\u00e9 \u00b5s \u00d7 2 */",
    "const a = 1; // code first: not a comment line",
  ]);
  assert.equal(left, 0);
  assert.ok(oneByte(text));
});

Deno.test("latin1Comments() never rewrites a code line, and counts what it left there", () => {
  const source = [
    'const dash = "\u2013";',
    "const raw = String.raw`\u2192`; // an escape here would change the raw text",
    "const \u03c0 = 3;",
    "// only this \u2014 goes",
  ].join("\r\n");
  const { text, left } = latin1Comments(source);
  const lines = text.split("\n");
  assert.equal(lines[0], 'const dash = "\u2013";\r');
  assert.equal(
    lines[1],
    "const raw = String.raw`\u2192`; // an escape here would change the raw text\r",
  );
  assert.equal(lines[2], "const \u03c0 = 3;\r");
  assert.equal(lines[3], "// only this \\u2014 goes", "CR LF line ends are kept");
  assert.equal(left, 3);
  assert.equal(latin1Comments("").text, "");
});

Deno.test("latin1Comments() output runs as the input does", async () => {
  const source = [
    "/**",
    " * Prints a dash \u2013 and an arrow \u2192.",
    " */",
    "// \u2026",
    'console.log(JSON.stringify(["\u2013", `\u2192`, /\u2192/u.test("\u2192")]));',
  ].join("\n");
  const { text, left } = latin1Comments(source);
  assert.equal(left, 4, "the code line keeps its own");
  const run = async (code: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-config", code],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.ok(out.success);
    return new TextDecoder().decode(out.stdout);
  };
  assert.equal(await run(text), await run(source));
  assert.equal(await run(text), '["\u2013","\u2192",true]\n');
});
