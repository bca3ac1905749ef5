import assert from "node:assert/strict";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { HeaderList } from "../http1/mod.ts";
import { screenResponseHead } from "./_reflection.ts";

const SECRET = "Pq7Wx2Lm9Rt4Vz8Kb3Nc6Hy1";
const engine = new DlpEngine({ knownSecrets: [SECRET] });

function screen(reason: string, headers: [string, string][], onSecret: "redact" | "block") {
  return screenResponseHead(
    { reason, headers: new HeaderList(headers) },
    { engine, host: "api.test", onSecret },
  );
}

Deno.test("screenResponseHead() redacts a secret in the reason phrase and in a header value", () => {
  const out = screen(`OK ${SECRET}`, [["x-echo", `Bearer ${SECRET}`], ["x-ok", "fine"]], "redact");
  assert.equal(out.action, "allow");
  if (out.action !== "allow") return;
  assert.doesNotMatch(out.reason, new RegExp(SECRET));
  assert.deepEqual([...out.headers], [
    ["x-echo", "Bearer [REDACTED:known_secret]"],
    ["x-ok", "fine"],
  ]);
});

Deno.test("screenResponseHead() drops a header whose name is a secret, and refuses on block routes", () => {
  const out = screen("OK", [[`x-${SECRET}`, "1"], ["x-ok", "fine"]], "redact");
  assert.equal(out.action === "allow" && [...out.headers].length, 1);
  const blocked = screen("OK", [["x-echo", SECRET]], "block");
  assert.equal(blocked.action === "deny" && blocked.rule, "dlp_reflection");
});

Deno.test("screenResponseHead() refuses a secret split over two header lines it cannot redact", () => {
  // A header may be named "-": then nothing but separators lies between the two halves.
  const out = screen("OK", [["x-a", SECRET.slice(0, 12)], ["-", SECRET.slice(12)]], "redact");
  assert.equal(out.action === "deny" && out.rule, "dlp_reflection");
  assert.doesNotMatch(JSON.stringify(out), new RegExp(SECRET.slice(0, 12)));
});
