import assert from "node:assert/strict";

Deno.test('processSignals(["SIGTERM"]) hears SIGTERM, as the git hook stops by it (in a process of its own: a signal reaches every test)', async () => {
  const code = `
    import { processSignals } from ${
    JSON.stringify(new URL("./_signals.ts", import.meta.url).href)
  };
    const heard = Promise.withResolvers();
    const unsubscribe = processSignals(["SIGTERM"])((signal) => heard.resolve(signal));
    console.log("ready");
    console.log(await heard.promise);
    unsubscribe();
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "inherit",
    // A child that never gets ready fails the test instead of hanging it.
    signal: AbortSignal.timeout(30_000),
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  for (let read = await lines.read(); !read.done; read = await lines.read()) {
    out += read.value;
    if (out === "ready\n") child.kill("SIGTERM");
  }
  const status = await child.status;
  assert.deepEqual([status.code, status.signal, out], [0, null, "ready\nSIGTERM\n"]);
});
