import assert from "node:assert/strict";
import { join } from "node:path";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { listPending, readAudit } from "../supervise/mod.ts";
import { makeBottle, queueProposal, reloadRecorder } from "../supervise/testing/mod.ts";
import { fakeTerminal, until } from "./_fake_terminal.ts";
import { runSuperviseTui } from "./run_supervise_tui.ts";
import { ENTER_SCREEN, LEAVE_SCREEN } from "./terminal.ts";

const SIZE = { columns: 100, rows: 30 };

Deno.test("runSuperviseTui() lists, rejects with a typed reason, and restores the terminal on q", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  const term = fakeTerminal(SIZE);
  const running = runSuperviseTui(home.paths, { terminal: term, user: "op", pollMs: 20 });
  await until("the proposal", () => term.screen().includes("npm install needs the registry"));
  assert.equal(term.output[0], ENTER_SCREEN);
  assert.deepEqual(term.raw, [true]);
  term.type("r");
  term.type("not today\r");
  await until("the rejection", () => term.screen().includes("rejected"));
  const response = JSON.parse(
    await Deno.readTextFile(join(home.paths.queueDir("aa-1"), `${proposal.id}.response.json`)),
  );
  assert.deepEqual(response, { status: "rejected", notes: "not today" });
  assert.deepEqual((await readAudit(home.paths, "aa-1")).map((e) => e.who), ["op"]);
  term.type("q");
  await running;
  assert.deepEqual(term.raw, [true, false]);
  assert.equal(term.output.at(-1), LEAVE_SCREEN);
});

Deno.test("runSuperviseTui() rings for a new arrival and approves a Dockerfile proposal", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const term = fakeTerminal(SIZE);
  const running = runSuperviseTui(home.paths, { terminal: term, pollMs: 20 });
  await until("the empty list", () => term.screen().includes("No pending proposals"));
  await queueProposal(home.paths, "aa-1", { tool: "capability-block", proposed_file: "FROM x\n" });
  await until("the bell", () => term.output.includes("\x07"));
  assert.match(term.screen(), /NEW {2}\w{8} {2}aa-1 +capability-block/);
  // An arrival is not selected for the operator: they choose it, then approve.
  term.type("j");
  term.type("a");
  await until("the approval", () => term.screen().includes("approved"));
  const dockerfile = join(home.paths.stateDir("aa-1"), "image", "Dockerfile");
  assert.equal(await Deno.readTextFile(dockerfile), "FROM x\n");
  term.type("\x03");
  await running;
  assert.equal(term.output.at(-1), LEAVE_SCREEN);
});

Deno.test("runSuperviseTui() shows a failed apply and keeps the proposal pending", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  await queueProposal(home.paths, "aa-1");
  const term = fakeTerminal(SIZE);
  const { backendFor } = reloadRecorder(new Error("sidecar gone"));
  const running = runSuperviseTui(home.paths, { terminal: term, pollMs: 20, backendFor });
  await until("the proposal", () => term.screen().includes("egress-allow"));
  term.type("\r");
  await until("the diff", () => term.screen().includes("+  - host: registry.npmjs.org"));
  term.type("a");
  await until("the error", () => term.screen().includes("sidecar gone"));
  assert.match(term.screen(), /the proposal stays pending/);
  assert.equal((await listPending(home.paths)).pending.length, 1);
  term.type("q");
  await running;
});

Deno.test("runSuperviseTui() restores the terminal and writes a crash log when it crashes", async () => {
  await using home = await tempBotHome();
  const term = fakeTerminal(SIZE);
  const running = runSuperviseTui(home.paths, { terminal: term, pollMs: 20 });
  await until("the first listing", () => term.screen().includes("0 pending"));
  term.resize(() => {
    throw new Error("no console");
  });
  const err = await running.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof Error);
  const log = /stack trace in (\S+)\)$/.exec(err.message)?.[1] ?? "";
  assert.match(err.message, /^supervise crashed: no console/);
  assert.ok(log.startsWith(join(home.paths.logs, "supervise-crash-")), log);
  assert.match(await Deno.readTextFile(log), /Error: no console\n\s+at /);
  assert.deepEqual(term.raw, [true, false]);
  assert.equal(term.output.at(-1), LEAVE_SCREEN);
});

Deno.test("runSuperviseTui() quits when the input ends", async () => {
  await using home = await tempBotHome();
  const term = fakeTerminal(SIZE);
  const running = runSuperviseTui(home.paths, { terminal: term, pollMs: 20 });
  await until("the first listing", () => term.screen().includes("0 pending"));
  term.close();
  await running;
  assert.equal(term.output.at(-1), LEAVE_SCREEN);
});

Deno.test("runSuperviseTui() restores the terminal on SIGTERM or a closed terminal", async () => {
  await using home = await tempBotHome();
  const term = fakeTerminal(SIZE);
  const running = runSuperviseTui(home.paths, { terminal: term, pollMs: 20 });
  await until("the first listing", () => term.screen().includes("0 pending"));
  term.stop();
  await running;
  assert.equal(term.output.at(-1), LEAVE_SCREEN);
  assert.equal(term.raw.at(-1), false, "raw mode is off again");
});
