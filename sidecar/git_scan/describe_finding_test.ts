import assert from "node:assert/strict";
import { describeFinding, type PushFinding } from "./mod.ts";

const FINDING: PushFinding = {
  ref: "refs/heads/main",
  commit: "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d",
  file: "config/aws.env",
  line: 3,
  rule: "aws_access_key_id",
  detector: "token_patterns",
  snippet: "AKIA…(20 chars)",
  suppressed: false,
};

Deno.test("describeFinding() names ref, short commit, file:line, rule and snippet", () => {
  assert.equal(
    describeFinding(FINDING),
    "refs/heads/main 1a2b3c4d5e6f config/aws.env:3 aws_access_key_id AKIA…(20 chars)",
  );
  assert.equal(
    describeFinding({ ...FINDING, suppressed: true }),
    "refs/heads/main 1a2b3c4d5e6f config/aws.env:3 aws_access_key_id AKIA…(20 chars) " +
      "(gitleaks:allow)",
  );
});

Deno.test("describeFinding() keeps a path with newlines on one line", () => {
  const line = describeFinding({ ...FINDING, file: "evil\nrefs/heads/main ok\r.env" });
  assert.equal(line.includes("\n") || line.includes("\r"), false);
  assert.ok(line.includes(" evil\\x0arefs/heads/main ok\\x0d.env:3 "), line);
});
