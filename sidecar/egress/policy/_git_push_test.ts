import assert from "node:assert/strict";
import { gitPush } from "./_git_push.ts";
import { request } from "./_testing.ts";
import type { PolicyRoute } from "./types.ts";

const FETCH_ROUTE: PolicyRoute = { host: "github.com", git: { fetch: true } };
const PLAIN_ROUTE: PolicyRoute = { host: "github.com" };

function decide(target: string, route: PolicyRoute) {
  const [path = "", query = ""] = target.split("?");
  return gitPush({ req: request({ host: "github.com", target, path, query }), route });
}

const PUSHES = [
  "/o/r.git/git-receive-pack",
  "/o/r.git/info/refs?service=git-receive-pack",
  "/o/r.git/GIT-RECEIVE-PACK",
  "/o/r.git/git%2Dreceive-pack",
  "/o/r.git/info/refs?service=git%2dreceive%2Dpack",
  "/o/r.git/git%252Dreceive-pack",
  "/o/r.git/%67%69%74-receive-pack",
  "/o/r/git-receive-pack/extra",
];

for (const target of PUSHES) {
  Deno.test(`gitPush() denies a push at ${target} even with git.fetch`, () => {
    assert.deepEqual(decide(target, FETCH_ROUTE), {
      action: "deny",
      rule: "git_push",
      reason:
        `git push to "github.com" is blocked on every egress route; push through the bottle's git gate`,
      status: 403,
    });
  });
}

const FETCHES = [
  "/o/r.git/git-upload-pack",
  "/o/r.git/info/refs?service=git-upload-pack",
  "/o/r.git/Git-Upload-Pack",
  "/o/r.git/info/refs?service=git%2Dupload%2Dpack",
];

for (const target of FETCHES) {
  Deno.test(`gitPush() denies a fetch at ${target} without git.fetch`, () => {
    assert.deepEqual(decide(target, PLAIN_ROUTE), {
      action: "deny",
      rule: "git_fetch",
      reason: `git fetch from "github.com" is not enabled; the route needs git: {fetch: true}`,
      status: 403,
    });
    assert.deepEqual(decide(target, { host: "github.com", git: { fetch: false } }).action, "deny");
  });

  Deno.test(`gitPush() allows a fetch at ${target} with git.fetch`, () => {
    assert.deepEqual(decide(target, FETCH_ROUTE), { action: "allow" });
  });
}

Deno.test("gitPush() allows ordinary requests and malformed percent escapes", () => {
  for (const target of ["/o/r", "/o/r/info/refs?service=other", "/%zz%", "/receive-pack"]) {
    assert.deepEqual(decide(target, PLAIN_ROUTE), { action: "allow" });
  }
});
