/**
 * `bot-bottle egress serve` as a user runs it: a subprocess of `main.ts` with the `cli`
 * permission set, configured only by flags and its environment, controlled by signals. Its one
 * upstream is a local TLS origin reached through `--connect-to`; every other host the tests ask
 * for has no route, so the proxy never resolves a name.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import { curlVia, run, type SeenRequest } from "./_harness.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const TOKEN = "serve-cli-token-9f8e7d6c5b4a3210";
const ROUTES = `
routes:
  - host: api.test
    auth:
      scheme: Bearer
      token_ref: SERVE_TEST_TOKEN
`;
const LISTENING = /egress proxy listening on 127\.0\.0\.1:(\d+) \(CA: (.+)\)\n/;

/** A temp dir with a TLS origin for api.test whose CA is written to `origin-ca.pem`. */
async function startOrigin(): Promise<{
  dir: string;
  port: number;
  upstreamCaPath: string;
  seen: SeenRequest[];
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const dir = await Deno.makeTempDir({ prefix: "bb-serve-cli-" });
  const ca = await loadOrCreateCa(join(dir, "origin-ca"));
  const leaf = await ca.issueLeaf("api.test");
  const upstreamCaPath = join(dir, "origin-ca.pem");
  await Deno.writeTextFile(upstreamCaPath, ca.certPem);
  const seen: SeenRequest[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: leaf.certPem, key: leaf.keyPem, onListen: () => {} },
    async (req) => {
      const body = await req.text();
      seen.push({
        method: req.method,
        url: req.url,
        headers: Object.fromEntries(req.headers),
        body,
      });
      return Response.json({ ok: true, path: new URL(req.url).pathname });
    },
  );
  return {
    dir,
    port: server.addr.port,
    upstreamCaPath,
    seen,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A running `egress serve` child whose stderr is collected as it arrives. */
interface Serve {
  child: Deno.ChildProcess;
  /** stderr so far. */
  stderr(): string;
  /** Wait until stderr matches (after `from` characters); returns the match. */
  waitFor(pattern: RegExp, from?: number): Promise<RegExpExecArray>;
  proxyUrl: string;
  caPath: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * @param nofile A limit on the process's open files (set with `prlimit`), to run it out of them.
 */
function spawnServe(
  args: string[],
  env: Record<string, string> = {},
  nofile?: number,
): Deno.ChildProcess {
  const deno = [Deno.execPath(), "run", "-q", "-P=cli", MAIN, "egress", "serve", ...args];
  const [command, ...rest] = nofile === undefined
    ? deno
    : ["prlimit", `--nofile=${nofile}:${nofile}`, "--", ...deno];
  return new Deno.Command(command!, {
    args: rest,
    cwd: REPO,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function startServe(
  args: string[],
  env: Record<string, string> = {},
  nofile?: number,
): Promise<Serve> {
  const child = spawnServe(args, env, nofile);
  let text = "";
  const collected = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) text += chunk;
  })();
  const stdout = child.stdout.cancel();
  const waitFor = async (pattern: RegExp, from = 0) => {
    // Generous: on a loaded machine (load 25 on 2 cores) `deno run main.ts` took over 8 s to
    // print its listening line; a pattern that never comes only makes a failing test slower.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const match = pattern.exec(text.slice(from));
      if (match !== null) return match;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`stderr never matched ${pattern}:\n${text}`);
  };
  const [, port, caPath] = await waitFor(LISTENING).catch(async (err) => {
    child.kill("SIGKILL");
    await Promise.all([child.status, collected, stdout]);
    throw err;
  });
  return {
    child,
    stderr: () => text,
    waitFor,
    proxyUrl: `http://127.0.0.1:${port}`,
    caPath: caPath!,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited (the test stopped it).
      }
      await Promise.all([child.status, collected, stdout]);
    },
  };
}

function serveArgs(dir: string, origin: { port: number; upstreamCaPath: string }): string[] {
  return [
    "--routes",
    join(dir, "routes", "routes.yaml"),
    "--ca-dir",
    join(dir, "ca"),
    "--listen",
    "127.0.0.1:0",
    "--upstream-ca",
    origin.upstreamCaPath,
    "--connect-to",
    `api.test:443=127.0.0.1:${origin.port}`,
    "--log",
    "2",
  ];
}

async function writeRoutes(dir: string, yaml: string): Promise<void> {
  await Deno.mkdir(join(dir, "routes"), { recursive: true });
  await Deno.writeTextFile(join(dir, "routes", "routes.yaml"), yaml);
}

async function exitWithin(child: Deno.ChildProcess, ms: number): Promise<Deno.CommandStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([child.status, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("egress serve injects the token from its environment, never from argv or the log", async () => {
  await using origin = await startOrigin();
  await writeRoutes(origin.dir, ROUTES);
  await using serve = await startServe(serveArgs(origin.dir, origin), {
    SERVE_TEST_TOKEN: TOKEN,
  });
  assert.equal(serve.caPath, join(origin.dir, "ca", "ca.pem"));

  const result = await curlVia(serve, "https://api.test/v1/me", [
    "-H",
    "Authorization: Bearer agent-placeholder",
  ]);
  assert.equal(result.status, 200, result.stderr + result.body);
  assert.deepEqual(JSON.parse(result.body), { ok: true, path: "/v1/me" });
  assert.equal(origin.seen.length, 1);
  assert.equal(origin.seen[0]!.headers.authorization, `Bearer ${TOKEN}`);

  await serve.waitFor(/"kind":"request".*"path":"\/v1\/me"/);
  const ps = await run("ps", ["-o", "args=", "-p", String(serve.child.pid)]);
  assert.match(ps.stdout, /egress serve/, "ps shows the proxy");
  assert.ok(!ps.stdout.includes(TOKEN), "the token is not on the proxy's argv");
  assert.ok(!serve.stderr().includes(TOKEN), "the token is not in the log");
});

Deno.test("egress serve reloads routes on SIGHUP and keeps the old ones when the file is broken", async () => {
  await using origin = await startOrigin();
  await writeRoutes(origin.dir, ROUTES);
  await using serve = await startServe(serveArgs(origin.dir, origin), {
    SERVE_TEST_TOKEN: TOKEN,
  });

  await writeRoutes(origin.dir, "routes:\n  - host: api.test\n    bogus: true\n");
  let mark = serve.stderr().length;
  serve.child.kill("SIGHUP");
  const failed = await serve.waitFor(/\{[^\n]*"event":"reload_failed"[^\n]*\}/, mark);
  const line = JSON.parse(failed[0]);
  assert.match(line.error, /routes\.yaml:3:5: .*unknown key "bogus"/);
  assert.equal(line.kept, 1);
  assert.equal((await curlVia(serve, "https://api.test/still")).status, 200, "old routes live");

  // other.test is never requested, so nothing resolves it.
  await writeRoutes(origin.dir, "routes:\n  - host: other.test\n");
  mark = serve.stderr().length;
  serve.child.kill("SIGHUP");
  await serve.waitFor(/"event":"reload","routes":1/, mark);
  const gone = await curlVia(serve, "https://api.test/gone");
  assert.equal(gone.status, 403);
  assert.equal(JSON.parse(gone.body).rule, "no_route");
  assert.equal(origin.seen.length, 1, "only the request before the reload reached the origin");
});

Deno.test("egress serve creates its CA with safe modes and exits 0 on SIGTERM", async () => {
  await using origin = await startOrigin();
  await writeRoutes(origin.dir, ROUTES);
  await using serve = await startServe(serveArgs(origin.dir, origin), {
    SERVE_TEST_TOKEN: TOKEN,
  });
  assert.equal((await Deno.stat(join(origin.dir, "ca", "ca.pem"))).mode! & 0o777, 0o644);
  assert.equal((await Deno.stat(join(origin.dir, "ca", "ca-key.pem"))).mode! & 0o777, 0o600);
  assert.equal((await curlVia(serve, "https://api.test/warm")).status, 200);
  // An idle client connection (and the pooled upstream one) must not hold the shutdown up.
  const idle = await Deno.connect({
    hostname: "127.0.0.1",
    port: Number(new URL(serve.proxyUrl).port),
  });

  serve.child.kill("SIGTERM");
  const status = await exitWithin(serve.child, 5_000);
  assert.equal(status.code, 0, serve.stderr());
  assert.equal(status.signal, null);
  // Shutdown destroys client sockets, which the kernel may report as EOF or as a reset.
  const eof = await idle.read(new Uint8Array(1)).catch((err) => {
    if (err instanceof Deno.errors.ConnectionReset) return null;
    throw err;
  });
  assert.equal(eof, null, "the idle client was disconnected");
  idle.close();
});

/** A loopback port free right now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** The paths of the requests a proxy's `--log 2` lines record. */
function loggedPaths(stderr: string): string[] {
  return [...stderr.matchAll(/"kind":"request"[^\n]*"path":"([^"]*)"/g)].map((m) => m[1]!);
}

Deno.test("egress serve --reuse-port: two processes share one port, and either alone serves it", async () => {
  await using origin = await startOrigin();
  await writeRoutes(origin.dir, ROUTES);
  const port = freePort();
  const args = serveArgs(origin.dir, origin).map((a) =>
    a === "127.0.0.1:0" ? `127.0.0.1:${port}` : a
  );
  const env = { SERVE_TEST_TOKEN: TOKEN };
  await using first = await startServe([...args, "--reuse-port"], env);
  // Without the flag the port is refused: nothing joins a proxy's port uninvited.
  const intruder = await spawnServe(args, env).output();
  const intruderErr = new TextDecoder().decode(intruder.stderr);
  assert.equal(intruder.code, 1, intruderErr);
  assert.match(intruderErr, /^bot-bottle: error: .*(in use|EADDRINUSE)/im);
  await using second = await startServe([...args, "--reuse-port"], env);
  assert.equal(second.proxyUrl, first.proxyUrl);

  // Each curl is a new connection; the kernel spreads them over both (20 all to one: 2^-19).
  for (let i = 0; i < 20; i++) {
    const result = await curlVia(first, `https://api.test/n${i}`);
    assert.equal(result.status, 200, result.stderr + result.body);
  }
  // A request is logged once its answer went out: wait for the last lines to arrive.
  const served = () => [...loggedPaths(first.stderr()), ...loggedPaths(second.stderr())].sort();
  for (const deadline = Date.now() + 8_000; served().length < 20 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(loggedPaths(first.stderr()).length > 0, "the first process served some");
  assert.ok(loggedPaths(second.stderr()).length > 0, "the second process served some");
  assert.deepEqual(served(), Array.from({ length: 20 }, (_, i) => `/n${i}`).sort());
  assert.equal(origin.seen.length, 20);
  assert.ok(origin.seen.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));

  // One stops: the other takes every new connection.
  first.child.kill("SIGTERM");
  assert.equal((await exitWithin(first.child, 5_000)).code, 0);
  for (let i = 0; i < 5; i++) {
    assert.equal((await curlVia(second, `https://api.test/after${i}`)).status, 200);
  }
});

Deno.test("egress serve rejects malformed flags with exit 2", async () => {
  await using origin = await startOrigin();
  await writeRoutes(origin.dir, ROUTES);
  const base = ["--routes", join(origin.dir, "routes", "routes.yaml"), "--ca-dir", origin.dir];
  const cases: Array<[string[], RegExp]> = [
    [["--listen", "nope"], /--listen "nope" is not HOST:PORT/],
    [["--connect-to", "x"], /--connect-to "x" is not HOST:PORT=ADDR:PORT/],
    [["--log", "7"], /--log "7" must be 0 \(off\), 1 \(blocks\) or 2 \(full\)/],
    [["--listen", "127.0.0.1:0", "--reuse-port"], /--reuse-port needs a fixed port in --listen/],
    [["--routes"], /--routes/],
  ];
  for (const [flags, message] of cases) {
    const out = await spawnServe([...base, ...flags]).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, `${flags.join(" ")}: ${stderr}`);
    assert.match(stderr, /^bot-bottle: error: /m);
    assert.match(stderr, message);
  }
});

Deno.test("egress serve exits 1 when the routes file is missing or invalid", async () => {
  await using origin = await startOrigin();
  const routes = join(origin.dir, "routes", "routes.yaml");
  const args = ["--routes", routes, "--ca-dir", join(origin.dir, "ca"), "--listen", "127.0.0.1:0"];

  const missing = await spawnServe(args).output();
  const missingErr = new TextDecoder().decode(missing.stderr);
  assert.equal(missing.code, 1, missingErr);
  assert.match(missingErr, /^bot-bottle: error: /);
  assert.ok(missingErr.includes(routes), `names the file: ${missingErr}`);

  await writeRoutes(origin.dir, "routes:\n  - host: api.test\n    outbound_on_match: maybe\n");
  const invalid = await spawnServe(args).output();
  const invalidErr = new TextDecoder().decode(invalid.stderr);
  assert.equal(invalid.code, 1, invalidErr);
  assert.match(invalidErr, new RegExp(`^bot-bottle: error: ${routes}:3:\\d+: `));
  assert.doesNotMatch(invalidErr, /listening/, "nothing was started");
  await assert.rejects(Deno.stat(join(origin.dir, "ca")), Deno.errors.NotFound);
});

Deno.test("egress serve refuses an upstream timeout outside its bounds, naming the variable", async () => {
  await using origin = await startOrigin();
  await writeRoutes(origin.dir, ROUTES);
  const args = ["--routes", join(origin.dir, "routes", "routes.yaml"), "--ca-dir", origin.dir];
  const out = await spawnServe(args, { BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS: "7200" })
    .output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, stderr);
  assert.match(
    stderr,
    /^bot-bottle: error: BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS "7200" is not a whole number of seconds from 1 to 3600/m,
  );
  assert.doesNotMatch(stderr, /listening/, "nothing was started");
});

Deno.test("egress serve out of file descriptors logs the failed accepts, then serves once some close", async () => {
  await using origin = await startOrigin();
  await writeRoutes(origin.dir, ROUTES);
  // An idle proxy holds about 27 descriptors: 40 leaves room for a few clients only.
  await using serve = await startServe(serveArgs(origin.dir, origin), {
    SERVE_TEST_TOKEN: TOKEN,
  }, 40);
  const port = Number(new URL(serve.proxyUrl).port);
  const held: Deno.TcpConn[] = [];
  try {
    // The kernel completes every connection; the proxy cannot accept the ones past its limit.
    for (let i = 0; i < 30; i++) held.push(await Deno.connect({ hostname: "127.0.0.1", port }));
    const failed = await serve.waitFor(/"event":"listener_error","error":"([^"]*)"/);
    assert.match(failed[1]!, /too many open files|os error 24/i);
  } finally {
    for (const conn of held) conn.close();
  }
  // Still running, and accepting again.
  const after = await curlVia(serve, "https://api.test/after", ["--max-time", "20"]);
  assert.equal(after.status, 200, after.stderr + after.body);
  assert.equal(origin.seen.at(-1)?.url, "https://api.test/after");
});
