import assert from "node:assert/strict";
import { MemoryBackend } from "./mod.ts";

const BOTTLE = { slug: "dev-1a2b3c", label: "dev", agent: "dev" };

/** A backend whose agent never answers `hang` (a gone gVisor sandbox) and answers 0 otherwise. */
function hangingBackend(): { backend: MemoryBackend; answered: () => boolean } {
  let answered = false;
  const backend = new MemoryBackend({
    agent: async (_slug, argv) => {
      if (argv[0] === "hang") await new Promise(() => {});
      answered = true;
      return { code: 0, stdout: "done\n", stderr: "" };
    },
  });
  backend.addBottle(BOTTLE);
  return { backend, answered: () => answered };
}

Deno.test("exec() gives up on a command that never returns once its signal aborts", async () => {
  const { backend } = hangingBackend();
  const abort = new AbortController();
  const running = backend.exec(BOTTLE.slug, ["hang"], { tty: false, signal: abort.signal });
  abort.abort();
  assert.deepEqual(await running, { code: 137, stdout: "", stderr: "" });
});

Deno.test("exec() with an already aborted signal answers as a killed command", async () => {
  const { backend } = hangingBackend();
  const result = await backend.exec(BOTTLE.slug, ["hang"], {
    tty: false,
    signal: AbortSignal.abort(),
  });
  assert.equal(result.code, 137);
});

Deno.test("exec() answers what the agent said when its signal never aborts", async () => {
  const { backend, answered } = hangingBackend();
  const abort = new AbortController();
  const result = await backend.exec(BOTTLE.slug, ["work"], { tty: false, signal: abort.signal });
  abort.abort();
  assert.deepEqual(result, { code: 0, stdout: "done\n", stderr: "" });
  assert.ok(answered());
});
