import assert from "node:assert/strict";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { FileScan } from "./_file_scan.ts";
import { SECRETS } from "./_testing.ts";

const LINES: [number, string][] = [
  [10, `a ${SECRETS.github}`],
  [11, "gitleaks:allow x"],
  [20, `${SECRETS.awsKeyId} # gitleaks:allow`],
  ...SECRETS.privateKey.split("\n").map((text, i): [number, string] => [21 + i, text]),
  [30, "marker cut by a line end: gitleaks:allo"],
  [31, `w ${SECRETS.github}`],
];

function scan(stageBytes: number, piece: number): string[] {
  const file = new FileScan(new DlpEngine({ knownSecrets: [] }), new Uint8Array(stageBytes));
  for (const [line, text] of LINES) {
    file.line(line);
    const bytes = new TextEncoder().encode(text);
    for (let i = 0; i < bytes.length; i += piece) file.write(bytes.subarray(i, i + piece));
  }
  return file.end().map((f) => `${f.line} ${f.finding.rule} ${f.suppressed}`);
}

Deno.test("FileScan.end() places findings and gitleaks:allow on lines across every flush seam", () => {
  const expected = [
    "10 github_pat false",
    "20 aws_access_key_id true",
    "21 private_key false",
    "31 github_pat false",
  ];
  for (const stage of [1, 2, 5, 13, 14, 15, 64, 1 << 20]) {
    for (const piece of [1, 3, 1000]) {
      assert.deepEqual(scan(stage, piece), expected, `stage ${stage}, piece ${piece}`);
    }
  }
});

Deno.test("FileScan.bytes counts the added lines joined by newlines", () => {
  const file = new FileScan(new DlpEngine({ knownSecrets: [] }), new Uint8Array(4));
  for (const [line, text] of [[1, "abc"], [7, ""], [8, "defgh"]] as const) {
    file.line(line);
    file.write(new TextEncoder().encode(text));
  }
  assert.equal(file.bytes, "abc\n\ndefgh".length);
  assert.deepEqual(file.end(), []);
});
