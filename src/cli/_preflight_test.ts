import assert from "node:assert/strict";
import { displayArgv, stepsText } from "./_preflight.ts";

Deno.test("displayArgv() quotes only what a shell would split or expand", () => {
  assert.equal(
    displayArgv(["docker", "run", "--label", "a=b", "<img>", "it's", "two words", "$HOME", ""]),
    `docker run --label a=b '<img>' 'it'\\''s' 'two words' '$HOME' ''`,
  );
});

Deno.test("stepsText() numbers the backend's steps under a heading", () => {
  assert.equal(
    stepsText({
      backend: "docker",
      steps: [
        { title: "create the network", argv: ["docker", "network", "create", "n"] },
        { title: "start", argv: ["docker", "run", "x"] },
      ],
    }),
    "Steps (docker)\n\n  1. create the network\n     docker network create n\n  2. start\n" +
      "     docker run x\n",
  );
});
