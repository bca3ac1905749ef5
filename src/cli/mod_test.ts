import assert from "node:assert/strict";
import { UsageError } from "../../core/errors/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { runCli } from "./mod.ts";
import { capturedContext } from "./_testing.ts";

Deno.test("runCli() keeps the words after -- away from start's agent argument", async () => {
  await using home = await tempBotHome();
  await assert.rejects(
    runCli(["start", "--", "echo", "hi"], capturedContext(home.env)),
    (err: unknown) => err instanceof UsageError && err.message.startsWith("no agent given"),
  );
  await assert.rejects(
    runCli(["exec", "dev-1"], capturedContext(home.env)),
    /no command given: bot-bottle exec dev-1 -- <cmd…>/,
  );
});

Deno.test("runCli() rejects extra words without -- rather than guessing", async () => {
  await using home = await tempBotHome();
  await assert.rejects(runCli(["start", "dev", "echo"], capturedContext(home.env)), UsageError);
  await assert.rejects(runCli(["stop", "a-1", "--", "x"], capturedContext(home.env)), UsageError);
});

Deno.test("runCli() init without --provider and without a terminal is a usage error", async () => {
  await using home = await tempBotHome();
  await assert.rejects(runCli(["init"], capturedContext(home.env)), /init needs --provider/);
});
