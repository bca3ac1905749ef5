import assert from "node:assert/strict";
import { parseSelfTest } from "./mod.ts";

const TARGETS = { tcp: ["203.0.113.5:443"], dns: ["example.com"] };

function line(name: string, status: string, detail: string): string {
  return `probe\t${name}\t${status}\t${detail}\n`;
}

const PASSING = line("tools", "ok", "curl and getent found") +
  line("proxy", "ok", "answered with HTTP 200") +
  line("dns example.com", "ok", "does not resolve") +
  line("tcp 203.0.113.5:443", "ok", "no route (network is unreachable)");

function failures(report: ReturnType<typeof parseSelfTest>): string[] {
  return report.probes.filter((probe) => !probe.ok).map((p) => `${p.name} ${p.detail}`);
}

Deno.test("parseSelfTest() passes a run where every probe reported ok once and exit was 0", () => {
  const report = parseSelfTest({ code: 0, stdout: PASSING, stderr: "" }, TARGETS);
  assert.equal(report.ok, true);
  assert.deepEqual(report.probes.map((probe) => probe.name), [
    "tools",
    "proxy",
    "tcp 203.0.113.5:443",
    "dns example.com",
  ]);
  assert.equal(report.probes[2]?.detail, "no route (network is unreachable)");
});

Deno.test("parseSelfTest() accepts CRLF line endings", () => {
  const stdout = PASSING.replaceAll("\n", "\r\n");
  assert.equal(parseSelfTest({ code: 0, stdout, stderr: "" }, TARGETS).ok, true);
});

Deno.test("parseSelfTest() fails a probe that reported fail, keeping its detail", () => {
  const stdout = PASSING.replace(
    line("tcp 203.0.113.5:443", "ok", "no route (network is unreachable)"),
    line("tcp 203.0.113.5:443", "fail", "connected directly (expected no route)"),
  );
  const report = parseSelfTest({ code: 1, stdout, stderr: "" }, TARGETS);
  assert.equal(report.ok, false);
  assert.deepEqual(failures(report), [
    "tcp 203.0.113.5:443 connected directly (expected no route)",
  ]);
});

Deno.test("parseSelfTest() fails a probe whose line is missing: it never ran", () => {
  const stdout = PASSING.replace(line("dns example.com", "ok", "does not resolve"), "");
  const report = parseSelfTest({ code: 0, stdout, stderr: "" }, TARGETS);
  assert.equal(report.ok, false);
  assert.deepEqual(failures(report), ["dns example.com did not report a result"]);
});

Deno.test("parseSelfTest() fails a probe that reported more than once", () => {
  const stdout = PASSING + line("proxy", "ok", "answered again");
  const report = parseSelfTest({ code: 0, stdout, stderr: "" }, TARGETS);
  assert.deepEqual(failures(report), ["proxy reported 2 results (expected one)"]);
});

const GARBAGE: [string, string][] = [
  ["a status other than ok or fail", line("proxy", "maybe", "x")],
  ["a missing detail field", "probe\tproxy\tok\n"],
  ["an extra field", "probe\tproxy\tok\tx\ty\n"],
  ["another tag", "result\tproxy\tok\tx\n"],
  ["a prefixed tag", "xprobe\tproxy\tok\tx\n"],
  ["spaces instead of tabs", "probe proxy ok x\n"],
  ["an upper-case status", line("proxy", "OK", "x")],
  ["binary noise", "\u0000\u001b[31mprobe\tproxy\tok\tx\n"],
];
for (const [what, garbage] of GARBAGE) {
  Deno.test(`parseSelfTest() ignores a line with ${what}, so the probe counts as missing`, () => {
    const stdout = PASSING.replace(line("proxy", "ok", "answered with HTTP 200"), garbage);
    const report = parseSelfTest({ code: 0, stdout, stderr: "" }, TARGETS);
    assert.equal(report.ok, false);
    assert.deepEqual(failures(report), ["proxy did not report a result"]);
  });
}

Deno.test("parseSelfTest() ignores lines of probes it did not ask for", () => {
  const stdout = PASSING + line("tcp 198.51.100.1:80", "fail", "connected") + "hello\n";
  assert.equal(parseSelfTest({ code: 0, stdout, stderr: "" }, TARGETS).ok, true);
});

Deno.test("parseSelfTest() names the tools check as the reason the other probes did not run", () => {
  const stdout = line("tools", "fail", "missing from the agent image: curl");
  const report = parseSelfTest({ code: 1, stdout, stderr: "" }, TARGETS);
  assert.equal(report.ok, false);
  assert.deepEqual(failures(report), [
    "tools missing from the agent image: curl",
    "proxy did not run (the tools check failed)",
    "tcp 203.0.113.5:443 did not run (the tools check failed)",
    "dns example.com did not run (the tools check failed)",
  ]);
});

Deno.test("parseSelfTest() fails a run that printed nothing, with the exit code and stderr", () => {
  const stderr = "OCI runtime exec failed: exec failed: unable to start container process\n\n";
  const report = parseSelfTest({ code: 126, stdout: "", stderr }, TARGETS);
  assert.equal(report.ok, false);
  assert.equal(report.probes.length, 5);
  assert.ok(report.probes.every((probe) => !probe.ok));
  assert.deepEqual(report.probes.at(-1), {
    name: "self-test",
    ok: false,
    detail: "exited with code 126: OCI runtime exec failed: exec failed: unable to start " +
      "container process",
  });
});

Deno.test("parseSelfTest() fails a run killed by its timeout even if every line was ok", () => {
  const report = parseSelfTest({ code: 124, stdout: PASSING, stderr: "" }, TARGETS);
  assert.equal(report.ok, false);
  assert.deepEqual(failures(report), ["self-test exited with code 124"]);
});

Deno.test("parseSelfTest() fails a run that exited 1 although every probe said ok", () => {
  const report = parseSelfTest({ code: 1, stdout: PASSING, stderr: "" }, TARGETS);
  assert.equal(report.ok, false);
  assert.deepEqual(failures(report), ["self-test exited with code 1"]);
});

Deno.test("parseSelfTest() fails a run that exited 0 although a probe said fail", () => {
  const stdout = PASSING.replace(
    line("dns example.com", "ok", "does not resolve"),
    line("dns example.com", "fail", "resolved to 192.0.2.1 (expected no answer)"),
  );
  const report = parseSelfTest({ code: 0, stdout, stderr: "" }, TARGETS);
  assert.equal(report.ok, false);
  assert.deepEqual(failures(report), [
    "dns example.com resolved to 192.0.2.1 (expected no answer)",
  ]);
});

Deno.test("parseSelfTest() with no targets still requires the tools and proxy probes", () => {
  const empty = { tcp: [], dns: [] };
  const stdout = line("tools", "ok", "found") + line("proxy", "ok", "HTTP 200");
  assert.equal(parseSelfTest({ code: 0, stdout, stderr: "" }, empty).ok, true);
  const report = parseSelfTest(
    { code: 0, stdout: line("tools", "ok", "found"), stderr: "" },
    empty,
  );
  assert.deepEqual(failures(report), ["proxy did not report a result"]);
});
