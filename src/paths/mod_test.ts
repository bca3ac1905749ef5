import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors/mod.ts";
import { homePaths, repoAgentsDir } from "./mod.ts";

Deno.test("homePaths() puts the home under $HOME/.bot-bottle by default", () => {
  const paths = homePaths({ HOME: "/home/u" });
  assert.equal(paths.root, "/home/u/.bot-bottle");
  assert.equal(paths.bottles, "/home/u/.bot-bottle/bottles");
  assert.equal(paths.agents, "/home/u/.bot-bottle/agents");
  assert.equal(paths.contrib, "/home/u/.bot-bottle/contrib");
  assert.equal(paths.logs, "/home/u/.bot-bottle/logs");
  assert.equal(paths.stateDir("dev-1"), "/home/u/.bot-bottle/state/dev-1");
  assert.equal(paths.queueDir("dev-1"), "/home/u/.bot-bottle/queue/dev-1");
});

Deno.test("homePaths() lets BOT_BOTTLE_HOME override $HOME", () => {
  assert.equal(homePaths({ HOME: "/home/u", BOT_BOTTLE_HOME: "/tmp/bb" }).root, "/tmp/bb");
  assert.equal(homePaths({ HOME: "/home/u", BOT_BOTTLE_HOME: "" }).root, "/home/u/.bot-bottle");
});

Deno.test("homePaths() rejects a relative BOT_BOTTLE_HOME and a missing HOME", () => {
  assert.throws(
    () => homePaths({ BOT_BOTTLE_HOME: "rel/dir" }),
    (err) => err instanceof ConfigError && /absolute path, got "rel\/dir"/.test(err.message),
  );
  assert.throws(
    () => homePaths({}),
    (err) => err instanceof ConfigError && /set HOME or BOT_BOTTLE_HOME/.test(err.message),
  );
});

Deno.test("repoAgentsDir() is <cwd>/.bot-bottle/agents", () => {
  assert.equal(repoAgentsDir("/src/app"), "/src/app/.bot-bottle/agents");
});
