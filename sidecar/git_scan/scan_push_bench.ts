// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * Time of `scanPush()` for a push adding one large file (SPEC §6.2: large pushes must not stall
 * the gate). Plain script:
 *
 *     deno run -P=test sidecar/git_scan/scan_push_bench.ts [megabytes]
 *
 * Commits a text file of English-like lines of about 43 bytes (50 MB by default) and, separately, a binary
 * file of the same size with no newline at all, each ending with a GitHub token; stages each in a
 * bare gate repo and prints the scan's wall time and throughput (git diff-tree and DLP together).
 *
 * @module
 */
import { DlpEngine } from "../../core/dlp/mod.ts";
import { GitFixture, SECRETS } from "./_testing.ts";

const MEGABYTES = Number(Deno.args[0] ?? 50);
const WORDS = ("the of and to in is that for it with as was on be by this are from at or an " +
  "request response server client token header value json array object string number").split(" ");

function text(size: number): Uint8Array {
  const line = (i: number) =>
    Array.from({ length: 9 }, (_, j) => WORDS[(i * 7 + j * 13) % WORDS.length]).join(" ");
  const block = new TextEncoder().encode(
    Array.from({ length: 1000 }, (_, i) => `${line(i)}\n`).join(""),
  );
  const out = new Uint8Array(size);
  for (let at = 0; at < size; at += block.length) out.set(block.subarray(0, size - at), at);
  return out;
}

function binary(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) {
    crypto.getRandomValues(out.subarray(at, Math.min(size, at + 65536)));
  }
  return out.map((b) => (b === 0x0a ? 0 : b));
}

async function measure(label: string, content: Uint8Array): Promise<void> {
  await using repo = await GitFixture.create();
  const token = new TextEncoder().encode(`\n${SECRETS.github}\n`);
  const file = new Uint8Array(content.length + token.length);
  file.set(content);
  file.set(token, content.length);
  await repo.commit("big", { "big.dat": file });
  const id = await repo.stage("HEAD");
  const started = performance.now();
  const scan = await repo.scan([{ old: "0".repeat(40), new: id, ref: "refs/heads/main" }], {
    dlp: new DlpEngine({ knownSecrets: ["s3cr3t-value-1234"], canary: SECRETS.canary }),
  });
  const ms = performance.now() - started;
  const found = scan.findings.map((f) => `${f.file}:${f.line} ${f.rule}`).join(", ");
  console.log(
    `${label}: ${(scan.bytes / 1e6).toFixed(1)} MB scanned in ${(ms / 1000).toFixed(2)} s ` +
      `(${(scan.bytes / 1e3 / ms).toFixed(0)} MB/s); findings: ${found}`,
  );
}

await measure("text, ~43-byte lines", text(MEGABYTES * 1e6));
await measure("binary, one line", binary(MEGABYTES * 1e6));
