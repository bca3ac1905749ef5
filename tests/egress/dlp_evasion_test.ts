/**
 * Outbound DLP must see a secret in the form the origin will read it. Origins percent-decode the
 * request target and form bodies, so percent-encoding one character of a secret must not hide it.
 */
import assert from "node:assert/strict";
import { curl, startBed } from "./_harness.ts";

const CANARY = "bbcanary-4e5f6a7b8c9d0e1f";
const GITHUB_TOKEN = ["ghp", "Qw3Er4Ty5Ui6Op7As8Df9Gh0Jk1Lz2Xc3Vb4N"].join("_");
const ROUTES = "routes:\n  - host: api.test\n    outbound_on_match: block\n";

/** Percent-encode the first character only: `%62bcanary-…` decodes to `bbcanary-…`. */
function encodeFirst(secret: string): string {
  return `%${secret.charCodeAt(0).toString(16).toUpperCase()}${secret.slice(1)}`;
}

Deno.test({
  name: "egress DLP blocks a canary or token with one percent-encoded character",

  async fn() {
    await using bed = await startBed(ROUTES, { env: { BOT_BOTTLE_CANARY: CANARY } });
    const form = ["-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary"];
    const cases: Array<[string, string[]]> = [
      [`https://api.test/p/${encodeFirst(CANARY)}`, []],
      [`https://api.test/q?c=${encodeFirst(CANARY)}`, []],
      [`https://api.test/p/${GITHUB_TOKEN.replace("_", "%5F")}`, []],
      [`https://api.test/q?t=${encodeFirst(GITHUB_TOKEN)}`, []],
      ["https://api.test/form", [...form, `c=${encodeFirst(CANARY)}`]],
      ["https://api.test/form", [...form, `t=${GITHUB_TOKEN.replace("_", "%5F")}`]],
    ];
    for (const [url, extra] of cases) {
      const result = await curl(bed, url, extra);
      assert.equal(result.status, 403, `${url} ${extra.at(-1)}: ${result.body}`);
    }
    assert.equal(bed.seen.length, 0, "the origin never decoded a secret");
    const decoded = bed.logs.map((line) =>
      line.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    );
    assert.ok(decoded.every((line) => !line.includes(CANARY) && !line.includes(GITHUB_TOKEN)));
  },
});
