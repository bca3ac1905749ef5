/**
 * `sidecar/main.ts` as the sidecar container runs it: a real `deno run -P=sidecar` process,
 * configured only by its environment and controlled by signals, with its egress daemon as a real
 * child process. Everything lives in a temp dir under /tmp (inside the sidecar permission set),
 * the proxy listens on 127.0.0.1:0, and the only hosts asked for have no route, so nothing
 * resolves a name.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { curlVia } from "../tests/egress/_harness.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../", import.meta.url));
const TOKEN = "ghp_sidecarTestToken0123456789abcdefABCD";
const CANARY = "bb-canary-5f4e3d2c1b0a";
const PARENT_ONLY = "parent-only-secret-value";
const LISTENING = /\[egress\] (\{.*"event":"listening".*\})\n/;

/** A temp state dir with a routes file, and the environment that points the sidecar at it. */
async function makeBed(): Promise<
  { dir: string; routesFile: string; env: Record<string, string> }
> {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "bb-sidecar-" });
  await Deno.mkdir(join(dir, "egress"));
  const routesFile = join(dir, "egress", "routes.yaml");
  await Deno.writeTextFile(routesFile, "routes:\n  - host: api.test\n");
  return {
    dir,
    routesFile,
    env: {
      BOT_BOTTLE_SIDECAR_DAEMONS: "egress",
      BOT_BOTTLE_EGRESS_ROUTES: routesFile,
      BOT_BOTTLE_EGRESS_CA_DIR: join(dir, "egress", "ca"),
      BOT_BOTTLE_EGRESS_LISTEN: "127.0.0.1:0",
      BOT_BOTTLE_SIDECAR_GRACE_SECONDS: "5",
      EGRESS_TOKEN_0: TOKEN,
      BOT_BOTTLE_CANARY: CANARY,
      SECRET_X: PARENT_ONLY,
    },
  };
}

/** A running `sidecar/main.ts` whose output is collected as it arrives. */
interface Sidecar extends AsyncDisposable {
  process: Deno.ChildProcess;
  /** stderr so far. */
  output(): string;
  /** Wait until stderr matches; returns the match. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** The exit status, once. */
  status: Promise<Deno.CommandStatus>;
}

function startSidecar(env: Record<string, string>, args: string[] = []): Sidecar {
  const denoDir = Deno.env.get("DENO_DIR");
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-P=sidecar", MAIN, ...args],
    cwd: REPO,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/root",
      ...(denoDir === undefined ? {} : { DENO_DIR: denoDir }),
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const collected = (async () => {
    for await (const chunk of process.stderr.pipeThrough(new TextDecoderStream())) text += chunk;
  })();
  const stdout = process.stdout.cancel();
  let exited = false;
  const status = Promise.all([process.status, collected, stdout]).then(([s]) => {
    exited = true;
    return s;
  });
  return {
    process,
    output: () => text,
    async waitFor(pattern) {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const match = pattern.exec(text);
        if (match !== null) return match;
        if (exited) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`stderr never matched ${pattern}:\n${text}`);
    },
    status,
    async [Symbol.asyncDispose]() {
      // Stop the init the way a container runtime does (SIGTERM, then SIGKILL), and make sure no
      // daemon outlives the test: a SIGKILLed init cannot stop its children itself.
      const children = exited ? [] : await childPids(process.pid);
      if (!exited) {
        try {
          process.kill("SIGTERM");
        } catch {
          // Exited in between.
        }
        const timer = setTimeout(() => {
          try {
            process.kill("SIGKILL");
          } catch {
            // Exited in between.
          }
        }, 5_000);
        await status;
        clearTimeout(timer);
      }
      for (const pid of children) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // Already gone, as it should be.
        }
      }
      await status;
    },
  };
}

/** curl settings for a sidecar's proxy: its URL and the bottle CA it created in the bed. */
function via(bed: { dir: string }, proxy: string): { proxyUrl: string; caPath: string } {
  return { proxyUrl: proxy, caPath: join(bed.dir, "egress", "ca", "ca.pem") };
}

/** Wait for the egress `listening` line and return the proxy URL. */
async function proxyUrl(sidecar: Sidecar): Promise<string> {
  const [, json] = await sidecar.waitFor(LISTENING);
  return `http://${JSON.parse(json!).address}`;
}

/** The pids of a process's children (`ps` prints one per line). */
async function childPids(pid: number): Promise<number[]> {
  const out = await new Deno.Command("ps", { args: ["-o", "pid=", "--ppid", String(pid)] })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n").map((l) => l.trim()).filter(Boolean)
    .map(Number);
}

async function egressPid(sidecar: Sidecar): Promise<number> {
  await proxyUrl(sidecar);
  const pids = await childPids(sidecar.process.pid);
  assert.equal(pids.length, 1, `expected one daemon child, got ${pids.join(", ")}`);
  return pids[0]!;
}

/** A `/proc/<pid>/` file, read through `cat`: Deno reads another process's environ only with -A. */
async function procFile(pid: number, name: string): Promise<string> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/${name}`] }).output();
  assert.ok(out.success, `cannot read /proc/${pid}/${name}`);
  return new TextDecoder().decode(out.stdout);
}

function processExists(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

Deno.test("sidecar/main.ts serves egress: an unknown host gets the JSON 403, lines carry [egress]", async () => {
  const bed = await makeBed();
  try {
    await using sidecar = startSidecar(bed.env);
    const proxy = await proxyUrl(sidecar);
    const res = await curlVia(via(bed, proxy), "http://unknown.test/path");
    assert.equal(res.status, 403);
    const body = JSON.parse(res.body);
    assert.equal(body.error, "egress_blocked");
    assert.equal(body.rule, "no_route");
    assert.equal(body.host, "unknown.test");
    sidecar.process.kill("SIGTERM");
    assert.equal((await sidecar.status).code, 0);
    const lines = sidecar.output().trimEnd().split("\n");
    assert.match(lines[0]!, /^\[sidecar\] started egress \(pid \d+\)$/);
    for (const line of lines) assert.match(line, /^\[(sidecar|egress)\] /);
    assert.ok(lines.some((line) => line.startsWith("[egress] {")), "no egress log line");
  } finally {
    await Deno.remove(bed.dir, { recursive: true });
  }
});

Deno.test("sidecar/main.ts intercepts HTTPS with the bottle CA it creates and explains the 403", async () => {
  const bed = await makeBed();
  try {
    await using sidecar = startSidecar(bed.env);
    const proxy = await proxyUrl(sidecar);
    const res = await curlVia(via(bed, proxy), "https://unknown.test/");
    assert.equal(res.status, 403, sidecar.output());
    assert.equal(JSON.parse(res.body).rule, "no_route");
  } finally {
    await Deno.remove(bed.dir, { recursive: true });
  }
});

Deno.test("sidecar/main.ts forwards SIGHUP to egress, which reloads its routes", async () => {
  const bed = await makeBed();
  try {
    await using sidecar = startSidecar(bed.env);
    const proxy = await proxyUrl(sidecar);
    const before = await curlVia(via(bed, proxy), "http://_egress.local/allowlist");
    assert.equal(before.status, 200);
    assert.match(before.body, /api\.test/);
    assert.doesNotMatch(before.body, /new\.test/);
    await Deno.writeTextFile(bed.routesFile, "routes:\n  - host: api.test\n  - host: new.test\n");
    sidecar.process.kill("SIGHUP");
    await sidecar.waitFor(/\[egress\] \{.*"event":"reload".*\}\n/);
    const after = await curlVia(via(bed, proxy), "http://_egress.local/allowlist");
    assert.match(after.body, /new\.test/);
    assert.match(sidecar.output(), /\[sidecar\] SIGHUP: forwarding to egress\n/);
  } finally {
    await Deno.remove(bed.dir, { recursive: true });
  }
});

Deno.test("sidecar/main.ts exits 0 on SIGTERM within the grace period and leaves no daemon", async () => {
  const bed = await makeBed();
  try {
    await using sidecar = startSidecar(bed.env);
    const pid = await egressPid(sidecar);
    const started = Date.now();
    sidecar.process.kill("SIGTERM");
    const status = await sidecar.status;
    assert.equal(status.code, 0);
    assert.ok(Date.now() - started < 5_000, "took longer than the grace period");
    assert.match(sidecar.output(), /\[sidecar\] egress exited with status 0\n/);
    assert.equal(processExists(pid), false);
  } finally {
    await Deno.remove(bed.dir, { recursive: true });
  }
});

Deno.test("sidecar/main.ts exits non-zero when the egress daemon dies", async () => {
  const bed = await makeBed();
  try {
    await using sidecar = startSidecar(bed.env);
    Deno.kill(await egressPid(sidecar), "SIGKILL");
    const status = await sidecar.status;
    assert.equal(status.code, 1);
    assert.match(sidecar.output(), /\[sidecar\] egress exited with signal SIGKILL\n/);
    assert.match(sidecar.output(), /\[sidecar\] stopping \(egress exited on its own\)\n/);
  } finally {
    await Deno.remove(bed.dir, { recursive: true });
  }
});

Deno.test("sidecar/main.ts gives the tokens and canary to egress and nothing else of its own", async () => {
  const bed = await makeBed();
  try {
    await using sidecar = startSidecar(bed.env);
    const pid = await egressPid(sidecar);
    const environ = (await procFile(pid, "environ")).split("\0");
    assert.ok(environ.includes(`EGRESS_TOKEN_0=${TOKEN}`));
    assert.ok(environ.includes(`BOT_BOTTLE_CANARY=${CANARY}`));
    assert.equal(environ.some((entry) => entry.startsWith("SECRET_X=")), false);
    const argv = await procFile(pid, "cmdline");
    assert.equal(argv.includes(TOKEN), false, "token on the daemon's argv");
    assert.match(argv, /--daemon\0egress\0$/);
    assert.doesNotMatch(argv, /--allow-run|--allow-all|-A\0/);
  } finally {
    await Deno.remove(bed.dir, { recursive: true });
  }
});

Deno.test("sidecar/main.ts stops everything when the git gate has no repos.json", async () => {
  const bed = await makeBed();
  try {
    await using sidecar = startSidecar({
      ...bed.env,
      BOT_BOTTLE_SIDECAR_DAEMONS: "egress,git-gate",
      BOT_BOTTLE_GIT_GATE_CONFIG_DIR: join(bed.dir, "git-gate"),
      BOT_BOTTLE_GIT_GATE_MIRROR_DIR: join(bed.dir, "git"),
      BOT_BOTTLE_GIT_GATE_LISTEN: "127.0.0.1:0",
    });
    assert.equal((await sidecar.status).code, 1);
    assert.match(
      sidecar.output(),
      new RegExp(`\\[git-gate\\] error: The git gate cannot read ${bed.dir}/git-gate/repos\\.json`),
    );
  } finally {
    await Deno.remove(bed.dir, { recursive: true });
  }
});

Deno.test("sidecar/main.ts --git-hook refuses to run outside the gate", async () => {
  await using hook = startSidecar({}, ["--git-hook"]);
  assert.equal((await hook.status).code, 1);
  assert.equal(
    hook.output(),
    "git gate: push refused: the git hook runs only from the git gate (its settings are missing)\n",
  );
});

Deno.test("sidecar/main.ts refuses an empty or unknown daemon list", async () => {
  const cases: [Record<string, string>, string][] = [
    [
      {},
      "BOT_BOTTLE_SIDECAR_DAEMONS is empty: name the daemons to run (egress, supervise, git-gate)",
    ],
    [
      { BOT_BOTTLE_SIDECAR_DAEMONS: "egres" },
      'BOT_BOTTLE_SIDECAR_DAEMONS names unknown daemon "egres" (valid: egress, supervise, git-gate)',
    ],
    [
      { BOT_BOTTLE_SIDECAR_DAEMONS: "egress", BOT_BOTTLE_SIDECAR_GRACE_SECONDS: "soon" },
      'BOT_BOTTLE_SIDECAR_GRACE_SECONDS "soon" is not a number of seconds (e.g. 10)',
    ],
  ];
  for (const [env, message] of cases) {
    await using sidecar = startSidecar(env);
    assert.equal((await sidecar.status).code, 1);
    assert.equal(sidecar.output(), `[sidecar] error: ${message}\n`);
  }
});

Deno.test("sidecar/main.ts refuses routes outside its own paths before starting egress", async () => {
  await using sidecar = startSidecar({
    BOT_BOTTLE_SIDECAR_DAEMONS: "egress",
    BOT_BOTTLE_EGRESS_ROUTES: "/opt/bb-test/routes.yaml",
    BOT_BOTTLE_EGRESS_CA_DIR: "/tmp/bb-test-unused-ca",
  });
  assert.equal((await sidecar.status).code, 1);
  assert.equal(
    sidecar.output(),
    `[sidecar] error: Cannot start daemon "egress": it needs read access to "/opt/bb-test/routes.yaml", which the sidecar process itself lacks (grant it in the sidecar's permission set)\n`,
  );
});

Deno.test("sidecar/main.ts fails closed when the routes file does not load", async () => {
  const bed = await makeBed();
  try {
    await Deno.writeTextFile(bed.routesFile, "routes:\n  - host: api.test\n    bogus: 1\n");
    await using sidecar = startSidecar(bed.env);
    assert.equal((await sidecar.status).code, 1);
    assert.match(sidecar.output(), new RegExp(`\\[egress\\] error: ${bed.routesFile}:3:5: `));
    assert.match(sidecar.output(), /\[sidecar\] egress exited with status 1\n/);
  } finally {
    await Deno.remove(bed.dir, { recursive: true });
  }
});

Deno.test("sidecar/main.ts exits 2 on unknown arguments", async () => {
  await using sidecar = startSidecar({ BOT_BOTTLE_SIDECAR_DAEMONS: "egress" }, ["--verbose"]);
  assert.equal((await sidecar.status).code, 2);
  assert.equal(
    sidecar.output(),
    "[sidecar] error: usage: sidecar/main.ts [--daemon NAME | --git-hook | --warm-cache | --runtime-roots FILE]\n",
  );
});

Deno.test("sidecar/main.ts --runtime-roots (the image build) writes the runtime's roots, or says why not", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "bb-sidecar-" });
  try {
    const file = join(dir, "ssl", "runtime-roots.pem");
    await using sidecar = startSidecar({}, ["--runtime-roots", file]);
    assert.equal((await sidecar.status).code, 0);
    const count = (await Deno.readTextFile(file)).match(/-----BEGIN CERTIFICATE-----/g)?.length;
    assert.ok(count !== undefined && count > 100, `${count} roots`);
    assert.equal(sidecar.output(), `[sidecar] wrote ${count} runtime roots to ${file}\n`);
    // Outside the sidecar's write set: nothing written, exit 1.
    await using refused = startSidecar({}, ["--runtime-roots", "/etc/bb-no-such/roots.pem"]);
    assert.equal((await refused.status).code, 1);
    assert.match(
      refused.output(),
      /^\[sidecar\] error: cannot write the runtime roots to \/etc\/bb-no-such\/roots\.pem: .*write access/,
    );
    await assert.rejects(Deno.stat("/etc/bb-no-such"), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sidecar/main.ts --warm-cache (the image build) only loads: exit 0, no daemon, no output", async () => {
  await using sidecar = startSidecar({ BOT_BOTTLE_SIDECAR_DAEMONS: "egress" }, ["--warm-cache"]);
  assert.equal((await sidecar.status).code, 0);
  assert.equal(sidecar.output(), "");
});
