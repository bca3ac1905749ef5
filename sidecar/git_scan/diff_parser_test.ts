import assert from "node:assert/strict";
import { DiffParser, type DiffSink } from "./_diff_parser.ts";
import { LineReader } from "./_line_reader.ts";

/** Parse `diff`, read in 4 KiB chunks as from a pipe, and return the events a sink saw. */
function events(diff: string): string[] {
  const out: string[] = [];
  const sink: DiffSink = {
    newName: (path) => out.push(`name ${path}`),
    file: (path) => out.push(`file ${path}`),
    hunk: (start, count) => out.push(`hunk ${start},${count}`),
    addedLine: (line) => (out.push(`line ${line}`), true),
    bytes: (bytes) => out.push(`bytes ${new TextDecoder().decode(bytes)}`),
    endFile: () => out.push("end"),
  };
  const parser = new DiffParser(sink);
  const reader = new LineReader((bytes, first, last) => parser.line(bytes, first, last));
  const bytes = new TextEncoder().encode(diff);
  for (let i = 0; i < bytes.length; i += 4096) reader.push(bytes.subarray(i, i + 4096));
  reader.end();
  parser.end();
  return out;
}

Deno.test("DiffParser.line() reports new paths and added lines with new-file numbers", () => {
  const diff = [
    ":100644 100644 1 2 M\tx",
    ":100644 000000 3 0 D\tgone",
    ":100644 100644 4 4 R100\tr\ts",
    ':000000 100644 0 5 A\t"e\\tmpty"',
    ":120000 100644 6 7 T\tlink",
    "",
    "diff --git a/x b/x",
    "index 1..2 100644",
    "--- a/x",
    "+++ b/x",
    "@@ -1,2 +1 @@ context",
    "-old",
    "-old",
    "+++ b/not-a-header",
    "@@ -9,0 +8,2 @@",
    "+",
    "+-- x",
    "\\ No newline at end of file",
    "diff --git a/gone b/gone",
    "deleted file mode 100644",
    "--- a/gone",
    "+++ /dev/null",
    "@@ -1 +0,0 @@",
    "-bye",
    "diff --git a/r b/s",
    "similarity index 100%",
    "rename from r",
    "rename to s",
    "",
  ].join("\n");
  assert.deepEqual(events(diff), [
    "name s",
    "name e\tmpty",
    "file x",
    "hunk 1,1",
    "line 1",
    "bytes ++ b/not-a-header",
    "hunk 8,2",
    "line 8",
    "bytes ",
    "line 9",
    "bytes -- x",
    "end",
    "file undefined",
    "hunk 0,0",
    "end",
  ]);
});

Deno.test("DiffParser.line() unquotes C-style paths and drops the tab after a spaced name", () => {
  const paths = [
    ["+++ b/dir with space/é.txt\t", "dir with space/é.txt"],
    ['+++ "b/t\\tb\\"q\\\\.txt"', 't\tb"q\\.txt'],
    ['+++ "b/a b\\nc"\t', "a b\nc"],
    ['+++ "b/\\303\\251"', "é"],
  ];
  for (const [header, path] of paths) {
    assert.deepEqual(events(`diff --git x\n${header}\n`), [`file ${path}`, "end"], header);
  }
});

Deno.test("DiffParser.line() throws on output it cannot scan", () => {
  const cases: [string, RegExp][] = [
    ["diff --git a/x b/x\n+++ b/x\nBinary files a/x and b/x differ\n", /binary diff/],
    ["diff --git a/x b/x\nGIT binary patch\n", /binary diff/],
    ["diff --git a/x b/x\n+++ b/x\n@@ -1 +1 @@\n+ok\n?what\n", /unexpected line in a diff hunk/],
    ["diff --git a/x b/x\n@@ -1 +1 @@\n+x\n", /malformed diff hunk header/],
    ["diff --git a/x b/x\n+++ b/x\n@@ bogus @@\n", /malformed diff hunk header/],
    ["diff --git a/x b/x\n+++ x\n", /unexpected diff header "\+\+\+ x"/],
    ['diff --git a/x b/x\n+++ "b/\\q"\n', /bad escape/],
    ['diff --git a/x b/x\n+++ "b/x" y\n', /malformed quoted diff path/],
    [`diff --git a/x b/x\nindex ${"f".repeat(70_000)}\n`, /diff header line too long/],
    [":100644 100644 1 2 M x\n", /malformed raw diff line/],
    [":100644 100644 1 2 R100\tonly-one\n", /malformed raw diff line/],
    [":100644 100644 1 2 A\ta\tb\n", /malformed raw diff line/],
  ];
  for (const [diff, message] of cases) {
    assert.throws(
      () => events(diff),
      (e: unknown) => e instanceof SyntaxError && message.test(e.message),
      diff.slice(0, 60),
    );
  }
});
