import assert from "node:assert/strict";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { parseRoutesFile, type Route } from "../../core/routes/mod.ts";
import { CleanHeads } from "./_clean_heads.ts";

const [routeA, routeB] = parseRoutesFile(
  "routes:\n  - host: a.test\n  - host: b.test\n",
  "routes.yaml",
).routes as [Route, Route];
const engine = new DlpEngine({ knownSecrets: [] });
const HEAD = "GET\r\n/x\r\nHost\r\na.test";

Deno.test("CleanHeads: a head is clean only for the engine and route it was scanned with", () => {
  const heads = new CleanHeads();
  assert.equal(heads.has(engine, routeA, HEAD), false, "nothing is clean before a scan");
  heads.add(engine, routeA, HEAD);
  assert.equal(heads.has(engine, routeA, HEAD), true);
  assert.equal(heads.has(engine, routeB, HEAD), false, "another route runs other detectors");
  assert.equal(heads.has(engine, routeA, `${HEAD} `), false, "another text");
  const reloaded = new DlpEngine({ knownSecrets: ["a-new-secret-value-0123456789"] });
  assert.equal(heads.has(reloaded, routeA, HEAD), false, "a new engine knows other secrets");
  heads.add(reloaded, routeA, "other");
  assert.equal(heads.has(engine, routeA, HEAD), false, "a new engine forgets the old results");
});

Deno.test("CleanHeads: bounded, the least recently seen forgotten first; long heads never kept", () => {
  const heads = new CleanHeads();
  for (let i = 0; i < 512; i++) heads.add(engine, routeA, `head ${i}`);
  assert.equal(heads.has(engine, routeA, "head 0"), true, "seen again: now the most recent");
  heads.add(engine, routeA, "head 512");
  assert.equal(heads.has(engine, routeA, "head 0"), true);
  assert.equal(heads.has(engine, routeA, "head 1"), false, "the least recently seen went");
  assert.equal(heads.has(engine, routeA, "head 512"), true);
  const long = "x".repeat(4097);
  heads.add(engine, routeA, long);
  assert.equal(heads.has(engine, routeA, long), false);
});
