import assert from "node:assert/strict";
import { floorProblem } from "./floors.ts";
import {
  circles,
  folderGraph,
  importGraphProblems,
  importsOf,
  readImportGraph,
} from "./import_graph.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("the repository has no import that runs up a floor and no import circle", async () => {
  const problems = importGraphProblems(await readImportGraph(ROOT));
  assert.deepEqual(problems, []);
});

Deno.test("importsOf() reads every kind of relative import, type-only ones included", () => {
  const text = [
    'import { a } from "./a.ts";',
    'import type { B } from "../b/mod.ts";',
    'import "./side_effect.ts";',
    'export { c } from "./c.ts";',
    'export type * from "./types.ts";',
    'export * from "./all.ts";',
    'const lazy = () => import("./lazy.ts");',
    "import {",
    "  type D,",
    "  e,",
    '} from "./multi.ts";',
    'import { f } from "npm:f";',
  ].join("\n");
  assert.deepEqual(importsOf("src/x/y.ts", text), [
    "src/x/a.ts",
    "src/b/mod.ts",
    "src/x/side_effect.ts",
    "src/x/c.ts",
    "src/x/types.ts",
    "src/x/all.ts",
    "src/x/lazy.ts",
    "src/x/multi.ts",
  ]);
});

Deno.test("importsOf() skips doc examples and comments", () => {
  const text = [
    "/**",
    " * ```ts",
    ' * import { x } from "../other/mod.ts";',
    " * ```",
    " */",
    '// import { y } from "./commented.ts";',
    'import { z } from "./real.ts";',
  ].join("\n");
  assert.deepEqual(importsOf("core/a/mod.ts", text), ["core/a/real.ts"]);
});

Deno.test("floorProblem() keeps every floor to what is below it", () => {
  const cases: [string, string, boolean][] = [
    ["core/dlp/x.ts", "core/errors/mod.ts", true],
    ["core/dlp/x.ts", "src/plan/mod.ts", false],
    ["core/dlp/x.ts", "sidecar/egress/mod.ts", false],
    ["sidecar/egress/x.ts", "core/dlp/mod.ts", true],
    ["sidecar/egress/x.ts", "src/plan/mod.ts", false],
    ["sidecar/egress/x.ts", "backends/mod.ts", false],
    ["backends/types.ts", "core/errors/mod.ts", true],
    ["backends/types.ts", "src/plan/mod.ts", false],
    ["backends/docker/x.ts", "backends/types.ts", true],
    ["backends/docker/x.ts", "backends/docker/_y.ts", true],
    ["backends/docker/x.ts", "backends/memory/mod.ts", false],
    ["backends/docker/x.ts", "backends/mod.ts", false],
    ["backends/docker/x.ts", "src/images/mod.ts", false],
    ["backends/mod.ts", "backends/docker/mod.ts", true],
    ["src/cli/x.ts", "backends/mod.ts", true],
    ["src/cli/x.ts", "backends/types.ts", true],
    ["src/cli/x.ts", "backends/docker/mod.ts", false],
    ["src/cli/x_test.ts", "backends/memory/mod.ts", true],
    ["src/lifecycle/testing/mod.ts", "backends/memory/mod.ts", true],
    ["src/lifecycle/testing/mod.ts", "backends/memory/_world.ts", false],
    ["src/cli/x.ts", "sidecar/egress/mod.ts", true],
    ["src/cli/x.ts", "main.ts", false],
    ["main.ts", "src/cli/mod.ts", true],
    ["core/dlp/x_test.ts", "tests/egress/_harness.ts", true],
    ["core/dlp/x.ts", "tests/egress/_harness.ts", false],
    ["tests/e2e/x_test.ts", "backends/docker/mod.ts", true],
  ];
  for (const [from, to, ok] of cases) {
    assert.equal(floorProblem(from, to) === undefined, ok, `${from} -> ${to}`);
  }
  assert.match(
    floorProblem("sidecar/init/x.ts", "src/errors/mod.ts")!,
    /^sidecar\/ may not import src\/errors\/mod\.ts \(src\/\): sidecar\/ imports core\/ only$/,
  );
});

Deno.test("circles() finds circles through any number of files, and self-imports", () => {
  const graph = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts", "x.ts"]],
    ["c.ts", ["a.ts"]],
    ["d.ts", ["d.ts"]],
    ["x.ts", []],
  ]);
  assert.deepEqual(circles(graph), [["a.ts", "b.ts", "c.ts", "a.ts"], ["d.ts", "d.ts"]]);
  assert.deepEqual(circles(new Map([["a.ts", ["b.ts"]], ["b.ts", []]])), []);
});

Deno.test("importGraphProblems() reports a folder circle that no file circle shows", () => {
  const graph = new Map([
    ["src/a/mod.ts", ["src/a/one.ts"]],
    ["src/a/one.ts", ["src/b/mod.ts"]],
    ["src/b/mod.ts", ["src/b/two.ts"]],
    ["src/b/two.ts", ["src/a/three.ts"]],
    ["src/a/three.ts", []],
  ]);
  assert.deepEqual(circles(graph), []);
  assert.deepEqual(importGraphProblems(graph), [
    "folder import circle: src/a -> src/b -> src/a",
  ]);
  // Test support may cross folders both ways without tying the folders together.
  const tests = new Map([
    ["src/a/mod.ts", ["src/b/mod.ts"]],
    ["src/b/mod.ts", []],
    ["src/b/mod_test.ts", ["src/a/testing/mod.ts"]],
    ["src/a/testing/mod.ts", []],
  ]);
  assert.deepEqual(circles(folderGraph(tests)), []);
});
