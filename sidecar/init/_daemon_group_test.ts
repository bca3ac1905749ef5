import assert from "node:assert/strict";
import type { HandledSignal, SignalSource } from "./_signals.ts";
import { type ChildSpec, DaemonGroup } from "./_daemon_group.ts";

/** A shell child; `sleep` in short steps so a trap runs promptly. */
function sh(name: string, script: string): ChildSpec {
  return { name, command: "sh", args: ["-c", script], env: { PATH: Deno.env.get("PATH") ?? "" } };
}

const LOOP = "while :; do sleep 0.05; done";
const SERVES = `trap 'echo stopping; exit 0' TERM; echo ready; ${LOOP}`;

function harness(graceMs = 5_000) {
  const listeners = new Set<(signal: HandledSignal) => void>();
  const signals: SignalSource = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  let output = "";
  const group = new DaemonGroup({
    write: (text) => {
      assert.ok(text.endsWith("\n"), `partial write ${JSON.stringify(text)}`);
      output += text;
    },
    graceMs,
    reloadTarget: "egress",
    signals,
  });
  return {
    group,
    output: () => output,
    fire: (signal: HandledSignal) => listeners.forEach((listener) => listener(signal)),
    listeners,
    async waitFor(text: string): Promise<void> {
      for (let i = 0; i < 500 && !output.includes(text); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.ok(output.includes(text), `never saw ${JSON.stringify(text)} in:\n${output}`);
    },
  };
}

Deno.test("DaemonGroup.run() prefixes each child's stdout and stderr lines, partial last line too", async () => {
  const h = harness();
  const code = await h.group.run([sh("egress", "echo out; echo err >&2; printf partial")]);
  assert.equal(code, 1);
  const lines = h.output().split("\n");
  for (const line of ["[egress] out", "[egress] err", "[egress] partial"]) {
    assert.ok(lines.includes(line), `missing ${line} in:\n${h.output()}`);
  }
});

Deno.test("DaemonGroup.run() stops every child on SIGTERM and returns 0 when they exit cleanly", async () => {
  const h = harness();
  const run = h.group.run([sh("egress", SERVES), sh("other", SERVES)]);
  await h.waitFor("[egress] ready");
  await h.waitFor("[other] ready");
  h.fire("SIGTERM");
  assert.equal(await run, 0);
  assert.match(h.output(), /\[sidecar\] stopping \(received SIGTERM\): SIGTERM to egress, other/);
  assert.match(h.output(), /\[egress\] stopping\n/);
  assert.match(h.output(), /\[other\] stopping\n/);
  assert.equal(h.listeners.size, 0, "signal listener left installed");
});

Deno.test("DaemonGroup.run() treats SIGINT like SIGTERM", async () => {
  const h = harness();
  const run = h.group.run([sh("egress", SERVES)]);
  await h.waitFor("[egress] ready");
  h.fire("SIGINT");
  assert.equal(await run, 0);
  assert.match(h.output(), /stopping \(received SIGINT\)/);
});

Deno.test("DaemonGroup.run() kills a child that ignores SIGTERM after the grace period and returns 1", async () => {
  const h = harness(300);
  const started = Date.now();
  const run = h.group.run([sh("egress", `trap '' TERM; echo ready; ${LOOP}`)]);
  await h.waitFor("[egress] ready");
  h.fire("SIGTERM");
  assert.equal(await run, 1);
  assert.ok(Date.now() - started >= 300);
  assert.match(
    h.output(),
    /\[sidecar\] egress still running after the grace period; sending SIGKILL/,
  );
  assert.match(h.output(), /\[sidecar\] egress exited with signal SIGKILL/);
});

Deno.test("DaemonGroup.run() stops the others and returns 1 when a child exits on its own", async () => {
  const h = harness();
  const run = h.group.run([
    sh("egress", SERVES),
    sh("other", "echo ready; sleep 0.2; exit 0"),
  ]);
  assert.equal(await run, 1);
  assert.match(h.output(), /\[sidecar\] other exited with status 0/);
  assert.match(h.output(), /stopping \(other exited on its own\): SIGTERM to egress/);
  assert.match(h.output(), /\[egress\] stopping\n/);
});

Deno.test("DaemonGroup.run() forwards SIGHUP to the reload target only", async () => {
  const h = harness();
  const hup = (name: string) => sh(name, `trap 'echo hup' HUP; ${SERVES}`);
  const run = h.group.run([hup("egress"), hup("other")]);
  await h.waitFor("[egress] ready");
  await h.waitFor("[other] ready");
  h.fire("SIGHUP");
  await h.waitFor("[egress] hup");
  h.fire("SIGTERM");
  assert.equal(await run, 0);
  assert.match(h.output(), /\[sidecar\] SIGHUP: forwarding to egress/);
  assert.doesNotMatch(h.output(), /\[other\] hup/);
});

Deno.test("DaemonGroup.run() holds a SIGHUP until the target has written its first line", async () => {
  const h = harness();
  // Without a HUP trap for its first 300 ms, this child would die of an early SIGHUP.
  const run = h.group.run([sh("egress", `sleep 0.3; trap 'echo hup' HUP; ${SERVES}`)]);
  h.fire("SIGHUP");
  await h.waitFor("[sidecar] SIGHUP: egress is starting; forwarding once it is up");
  await h.waitFor("[egress] hup");
  h.fire("SIGTERM");
  assert.equal(await run, 0);
});

Deno.test("DaemonGroup.run() ignores SIGHUP with a message when there is no reload target", async () => {
  const h = harness();
  const run = h.group.run([sh("other", SERVES)]);
  await h.waitFor("[other] ready");
  h.fire("SIGHUP");
  await h.waitFor("SIGHUP ignored: egress is not running");
  h.fire("SIGTERM");
  assert.equal(await run, 0);
});

Deno.test("DaemonGroup.run() stops what it started and returns 1 when a child cannot start", async () => {
  const h = harness();
  const missing = { name: "broken", command: "/nonexistent/daemon", args: [], env: {} };
  const code = await h.group.run([sh("egress", SERVES), missing, sh("never", SERVES)]);
  assert.equal(code, 1);
  assert.match(h.output(), /\[sidecar\] error: Cannot start daemon "broken": /);
  assert.match(h.output(), /stopping \(broken could not start\): SIGTERM to egress/);
  assert.doesNotMatch(h.output(), /started never/);
});
