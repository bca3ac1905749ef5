/**
 * The corpus through the DLP engine as part of the normal suite (issue 14): no benign case is
 * refused, and at least 96% of the malicious ones are. `deno task bench:dlp` runs the same corpus
 * through the real proxy, which is the figure to quote; this keeps a detector change that loses
 * a class, or starts refusing ordinary traffic, from landing unnoticed.
 */
import assert from "node:assert/strict";
import { EngineJudge } from "../bench/_corpus_engine.ts";
import { isBlocked } from "../bench/_corpus_report.ts";
import { loadCorpus } from "./mod.ts";

Deno.test("the DLP engine refuses no benign corpus case and at least 96% of the malicious ones", () => {
  const judge = new EngineJudge();
  const refusedBenign: string[] = [];
  const missed: string[] = [];
  let malicious = 0;
  for (const c of loadCorpus()) {
    const blocked = isBlocked(judge.judge(c).kind);
    if (c.label === "benign" && blocked) refusedBenign.push(`${c.id} (${c.what})`);
    if (c.label === "malicious") {
      malicious++;
      if (!blocked) missed.push(c.id);
    }
  }
  assert.deepEqual(refusedBenign, [], "benign cases refused");
  const rate = 1 - missed.length / malicious;
  assert.ok(rate >= 0.96, `detection ${(rate * 100).toFixed(1)}%, missed: ${missed.join(", ")}`);
});
