/**
 * A full disk under the bot-bottle home (issue 17's fault suite), on a real engine: the home is
 * a small tmpfs this test mounts (root only) and fills. Approving or rejecting a proposal then
 * fails with one clear line and leaves the live routes file, the proposal and the audit log
 * exactly as they were; once space is back the same approval goes through and the running bottle reaches the
 * new host. A `start` on the full disk fails the same way and leaves no bottle behind.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { writeProposal } from "../../core/queue/mod.ts";
import { parseRoutesFile, stringifyRoutesFile } from "../../core/routes/mod.ts";
import {
  agentCurl,
  bottleLeftovers,
  CLEAN,
  describeLeftovers,
  runCli,
  runProgram,
  showCurl,
  startWorld,
  TEST_AGENT,
  UPSTREAM_PAGE_MARKER,
  writeTestAgent,
} from "./_harness/mod.ts";

/** Big enough for a bottle's state and the sidecar bundle cache; small enough to fill at once. */
const TMPFS_SIZE = "96m";

/** A tmpfs mounted for this test, and a filler file that takes its free space. */
class SmallDisk implements AsyncDisposable {
  readonly dir: string;
  readonly #filler: string;

  constructor(dir: string) {
    this.dir = dir;
    this.#filler = join(dir, "filler");
  }

  static async mount(): Promise<SmallDisk> {
    const dir = await Deno.makeTempDir({ prefix: "bb-e2e-disk-" });
    const mounted = await runProgram("mount", [
      "-t",
      "tmpfs",
      "-o",
      `size=${TMPFS_SIZE}`,
      "tmpfs",
      dir,
    ]);
    if (mounted.code !== 0) {
      await Deno.remove(dir);
      throw new Error(`this test mounts a tmpfs and needs root: mount said ${mounted.stderr}`);
    }
    return new SmallDisk(dir);
  }

  /** Take every free byte (big writes first, then ever smaller ones). */
  async fill(): Promise<void> {
    using file = await Deno.open(this.#filler, { write: true, create: true, append: true });
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = new Uint8Array(size);
      try {
        for (;;) await file.write(chunk);
      } catch (err) {
        if ((err as { code?: string }).code !== "ENOSPC") throw err;
      }
    }
  }

  /** Give the space back. */
  async free(): Promise<void> {
    await Deno.remove(this.#filler);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const unmounted = await runProgram("umount", [this.dir]);
    if (unmounted.code !== 0) throw new Error(`umount ${this.dir}: ${unmounted.stderr}`);
    await Deno.remove(this.dir);
  }
}

/** Every file under `dir` whose name marks a write that never finished. */
async function tempFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...await tempFiles(path));
    else if (entry.name.endsWith(".tmp")) found.push(path);
  }
  return found;
}

Deno.test("a full disk under the home: a clear error, nothing half-written, then recovery", async () => {
  await using world = await startWorld("diskfull");
  await using disk = await SmallDisk.mount();
  const home = join(disk.dir, "home");
  for (const sub of ["bottles", "agents", "contrib", "state", "queue", "logs"]) {
    await Deno.mkdir(join(home, sub), { recursive: true });
  }
  const cli = (args: string[]) => runCli(world, args, { env: { BOT_BOTTLE_HOME: home } });
  // The test bottle reaches api.example.test only; its proposal adds example.org.
  await writeTestAgent(world);
  for (const file of ["bottles/e2e.md", "agents/e2e.md"]) {
    await Deno.copyFile(join(world.home, file), join(home, file));
  }

  const started = await cli(["start", TEST_AGENT, "--yes", "--detach"]);
  const slug = started.stdout.trim().split("\n").at(-1)?.trim() ?? "";
  assert.equal(started.code, 0, `${started.stdout}\n${started.stderr}`);
  try {
    const routesPath = join(home, "state", slug, "egress", "routes.yaml");
    const live = await Deno.readTextFile(routesPath);
    const current = parseRoutesFile(live, routesPath);
    const proposed = stringifyRoutesFile({
      log: current.log,
      routes: [
        ...current.routes,
        ...parseRoutesFile("routes:\n  - host: example.org\n", "the proposal").routes,
      ],
    });
    // What the sidecar writes when the agent calls the egress-allow tool.
    const asked = {
      bottle_slug: slug,
      tool: "egress-allow" as const,
      proposed_file: proposed,
      justification: "the docs live on example.org",
      current_file_hash: createHash("sha256").update(live).digest("hex"),
    };
    const proposal = await writeProposal(join(home, "queue", slug), asked);
    const refused = await agentCurl(world, slug, ["https://example.org/"]);
    assert.equal(refused.status, 403, showCurl(refused));
    // Two more to reject: one now (the audit log gets a line), one on the full disk.
    const early = await writeProposal(join(home, "queue", slug), { ...asked, proposed_file: live });
    const late = await writeProposal(join(home, "queue", slug), { ...asked, proposed_file: live });
    const rejected = await cli(["supervise", "reject", early.id, "--reason", "not now"]);
    assert.equal(rejected.code, 0, rejected.stderr);
    const auditPath = join(home, "state", slug, "audit.jsonl");
    const audit = await Deno.readTextFile(auditPath);

    await disk.fill();
    // A reason longer than what is left of the audit log's last page: part of the line fits.
    const long = await cli(["supervise", "reject", late.id, "--reason", "x".repeat(8192)]);
    assert.equal(long.code, 1, `${long.stdout}\n${long.stderr}`);
    assert.match(long.stderr, /^bot-bottle: error: Cannot append to audit log .*No space left/m);
    assert.equal(await Deno.readTextFile(auditPath), audit, "no half line in the audit log");
    const approve = await cli(["supervise", "approve", proposal.id, "--reason", "docs"]);
    assert.equal(approve.code, 1, `${approve.stdout}\n${approve.stderr}`);
    assert.match(approve.stderr, /^bot-bottle: error: .*no space left on its filesystem/m);
    assert.equal(approve.stderr.trim().split("\n").length, 1, approve.stderr);
    assert.equal(await Deno.readTextFile(routesPath), live, "the live routes file is untouched");
    const pending = await cli(["supervise", "list", "--json"]);
    for (const id of [proposal.id, late.id]) {
      assert.match(pending.stdout, new RegExp(id), "the proposals are still pending");
    }
    assert.deepEqual(await tempFiles(home), []);
    const still = await agentCurl(world, slug, ["https://example.org/"]);
    assert.equal(still.status, 403, showCurl(still));

    // A new bottle on the full disk: one clear line, and nothing of it left anywhere.
    const before = new Set(await Array.fromAsync(Deno.readDir(join(home, "state")), (e) => e.name));
    const second = await cli(["start", TEST_AGENT, "--yes", "--detach"]);
    assert.equal(second.code, 1, `${second.stdout}\n${second.stderr}`);
    assert.match(second.stderr, /^bot-bottle: error: .*no space left on its filesystem/m);
    const after = await Array.fromAsync(Deno.readDir(join(home, "state")), (e) => e.name);
    assert.deepEqual(after.filter((name) => !before.has(name)), [], "no state of a new bottle");
    assert.deepEqual(await tempFiles(home), []);

    await disk.free();
    const retried = await cli(["supervise", "approve", proposal.id, "--reason", "docs"]);
    assert.equal(retried.code, 0, `${retried.stdout}\n${retried.stderr}`);
    assert.equal(await Deno.readTextFile(routesPath), proposed);
    // The sidecar saw the replaced file through its directory mount.
    const reached = await agentCurl(world, slug, ["https://example.org/"]);
    assert.equal(reached.status, 200, showCurl(reached));
    assert.match(reached.body, new RegExp(UPSTREAM_PAGE_MARKER));
  } finally {
    const stop = await cli(["stop", slug]);
    assert.equal(stop.code, 0, stop.stderr);
    const left = await bottleLeftovers(home, slug);
    assert.deepEqual(left, CLEAN, describeLeftovers(left));
  }
});
