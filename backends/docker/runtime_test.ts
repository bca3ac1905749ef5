import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors/mod.ts";
import { pickRuntime } from "./_runtime.ts";

Deno.test("pickRuntime() gives the agent gVisor whenever the engine has it, unless opted out", () => {
  assert.deepEqual(pickRuntime("auto", true), { runtime: "runsc", words: "gVisor (runsc)" });
  assert.deepEqual(pickRuntime("runsc", true), { runtime: "runsc", words: "gVisor (runsc)" });
  assert.deepEqual(pickRuntime("auto", false), {
    words: "runc (Linux namespaces, shared kernel)",
  });
  assert.deepEqual(pickRuntime("runc", true), {
    words: "runc (Linux namespaces, shared kernel); gVisor opted out",
  });
});

Deno.test("pickRuntime() refuses runsc where the engine has none, and says how to add it", () => {
  assert.throws(
    () => pickRuntime("runsc", false),
    (err: unknown) =>
      err instanceof ConfigError && /no runsc runtime registered/.test(err.message) &&
      /daemon\.json/.test(err.message),
  );
});
