import assert from "node:assert/strict";
import { HostCli, runAttached } from "./mod.ts";

class ToolError extends Error {}

const tool = (program: string) =>
  new HostCli(program, ["PATH"], (args, r) => new ToolError(`${args[0]} exit ${r.code}`));

Deno.test("HostCli.run() passes only the listed variables and the secrets, by name", async () => {
  const { stdout } = await tool("env").run([], { secrets: { TOKEN: "t-1" } });
  const names = stdout.split("\n").filter((l) => l !== "").map((l) => l.split("=")[0]).sort();
  assert.deepEqual(names, ["PATH", "TOKEN"]);
});

Deno.test("HostCli.run() throws the tool's own error, or returns the code when allowed", async () => {
  await assert.rejects(tool("false").run(["x"]), (err: unknown) => {
    return err instanceof ToolError && err.message === "x exit 1";
  });
  assert.equal((await tool("false").run([], { allowFailure: true })).code, 1);
  assert.equal((await tool("sleep").run(["5"], { allowFailure: true, timeoutMs: 100 })).code, 124);
  await assert.rejects(tool("no-such-tool-3f1a").run([]), Deno.errors.NotFound);
});

Deno.test("runAttached() feeds stdin, streams stdout and captures stderr", async () => {
  const chunks: Uint8Array[] = [];
  const result = await runAttached(tool("tee"), ["/dev/stderr"], {
    capture: true,
    stdin: ReadableStream.from([new TextEncoder().encode("bytes in")]),
    stdout: new WritableStream({ write: (chunk) => void chunks.push(chunk) }),
  });
  assert.deepEqual(result, { code: 0, stdout: "", stderr: "bytes in" });
  assert.equal(chunks.map((c) => new TextDecoder().decode(c)).join(""), "bytes in");
  const slow = await runAttached(tool("sleep"), ["5"], { capture: true, timeoutMs: 100 });
  assert.equal(slow.code, 124);
});
