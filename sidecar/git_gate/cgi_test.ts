import assert from "node:assert/strict";
import { join } from "node:path";
import { runCgi } from "./_cgi.ts";

/** A CGI program written to a file: what it prints decides what the client gets. */
async function program(dir: string, body: string): Promise<[string]> {
  const path = join(dir, "cgi");
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return [path];
}

function request(body: string | null = null) {
  return {
    method: "POST" as const,
    pathInfo: "/app.git/git-upload-pack",
    query: "",
    body: body === null ? null : new Response(body).body,
  };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bb-cgi-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function exits() {
  const { promise, resolve } = Promise.withResolvers<{ code: number; signal: string | null }>();
  return { promise, onExit: (r: { code: number; signal: string | null }) => resolve(r) };
}

Deno.test("runCgi() streams the body in and the program's answer out, with its status", async () => {
  await withDir(async (dir) => {
    const exit = exits();
    const response = await runCgi(request("ping\n"), {
      projectRoot: dir,
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 10_000,
      spool: { dir, maxBytes: 1000 },
      onExit: exit.onExit,
      command: await program(
        dir,
        'printf "Status: 201 Made\\r\\nContent-Type: text/plain\\r\\nX-Other: no\\r\\n\\r\\n"; ' +
          'printf "%s %s " "$REQUEST_METHOD" "$PATH_INFO"; cat',
      ),
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("content-type"), "text/plain");
    assert.equal(response.headers.get("x-other"), null);
    assert.equal(await response.text(), "POST /app.git/git-upload-pack ping\n");
    assert.equal((await exit.promise).code, 0);
  });
});

Deno.test("runCgi() answers 500 for a bad Status line, no header block or no answer", async () => {
  const cases = [
    'printf "Status: abc\\n\\nbody"',
    'printf "Content-Type text/plain\\n\\n"',
    "head -c 70000 /dev/zero | tr '\\\\0' a",
    "exit 3",
  ];
  for (const script of cases) {
    await withDir(async (dir) => {
      const exit = exits();
      const response = await runCgi(request(), {
        projectRoot: dir,
        env: { PATH: "/usr/bin:/bin" },
        timeoutMs: 10_000,
        spool: { dir, maxBytes: 1000 },
        onExit: exit.onExit,
        command: await program(dir, script),
      });
      assert.equal(response.status, 500, script);
      assert.match(await response.text(), /^git gate: the git backend /, script);
      await exit.promise;
    });
  }
});

Deno.test("runCgi() stops a program past its timeout, children and all", async () => {
  await withDir(async (dir) => {
    const exit = exits();
    const started = Date.now();
    const marker = join(dir, "child-survived");
    const response = await runCgi(request(), {
      projectRoot: dir,
      env: { PATH: "/usr/bin:/bin", MARKER: marker },
      // Long enough for the head to come out first on a busy machine (its answer is a 200).
      timeoutMs: 1_500,
      spool: { dir, maxBytes: 1000 },
      onExit: exit.onExit,
      // Like receive-pack running the hook: a child that would act after the deadline.
      command: await program(
        dir,
        'printf "Content-Type: text/plain\\n\\nstart"; (sleep 3; touch "$MARKER") & sleep 30',
      ),
    });
    assert.equal(response.status, 200);
    await assert.rejects(response.text(), /the git backend was stopped/);
    assert.notEqual((await exit.promise).code, 0);
    assert.ok(Date.now() - started < 10_000);
    // Past when the child would have acted.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await assert.rejects(Deno.stat(marker), Deno.errors.NotFound);
  });
});

Deno.test("runCgi() hands the program the whole body as a file, and removes it afterwards", async () => {
  await withDir(async (dir) => {
    const spool = join(dir, "spool");
    await Deno.mkdir(spool);
    const exit = exits();
    const spooled: number[] = [];
    const response = await runCgi(request("x".repeat(3_000_000)), {
      projectRoot: dir,
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 10_000,
      spool: { dir: spool, maxBytes: 3_000_000 },
      onSpooled: ({ bytes }) => spooled.push(bytes),
      onExit: exit.onExit,
      // A regular file on stdin (not a pipe), read to its end.
      command: await program(
        dir,
        'printf "Content-Type: text/plain\\n\\n"; test -f /dev/stdin && echo file; wc -c',
      ),
    });
    assert.equal(await response.text(), "file\n3000000\n");
    assert.deepEqual(spooled, [3_000_000]);
    await exit.promise;
    assert.deepEqual([...Deno.readDirSync(spool)], []);
  });
});

Deno.test("runCgi() answers 413 for a body over the cap and 400 for one broken off", async () => {
  const broken = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(10));
      controller.error(new Error("connection reset"));
    },
  });
  const cases: [ReadableStream<Uint8Array> | null, number, RegExp][] = [
    [new Response("y".repeat(1001)).body, 413, /over 1000 bytes/],
    [broken, 400, /broke off/],
  ];
  for (const [body, status, text] of cases) {
    await withDir(async (dir) => {
      const marker = join(dir, "ran");
      const exit = exits();
      const response = await runCgi({ ...request(), body }, {
        projectRoot: dir,
        env: { PATH: "/usr/bin:/bin", MARKER: marker },
        timeoutMs: 10_000,
        spool: { dir, maxBytes: 1000 },
        onExit: exit.onExit,
        command: await program(dir, 'touch "$MARKER"; printf "Content-Type: text/plain\\n\\n"'),
      });
      assert.equal(response.status, status);
      assert.match(await response.text(), text);
      assert.notEqual((await exit.promise).code, 0);
      // The program never ran, and no part of the body is left behind.
      await assert.rejects(Deno.stat(marker), Deno.errors.NotFound);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["cgi"]);
    });
  }
});

Deno.test("runCgi() answers 400 when the body stops arriving before the deadline", async () => {
  await withDir(async (dir) => {
    const exit = exits();
    const response = await runCgi({ ...request(), body: new ReadableStream<Uint8Array>() }, {
      projectRoot: dir,
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 300,
      spool: { dir, maxBytes: 1000 },
      onExit: exit.onExit,
      command: await program(dir, 'printf "Content-Type: text/plain\\n\\n"'),
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /did not arrive in time/);
    await exit.promise;
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["cgi"]);
  });
});

/** Bytes a process wrote so far (`wchar` in /proc/<pid>/io, through `cat`: Deno reads another
 * process's /proc files only with every permission). */
async function written(pid: number): Promise<number> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/io`] }).output();
  const wchar = /^wchar: (\d+)$/m.exec(new TextDecoder().decode(out.stdout))?.[1];
  if (wchar === undefined) throw new Error(`no /proc/${pid}/io`);
  return Number(wchar);
}

Deno.test("runCgi() over HTTP writes the program's answer only as fast as the client reads it", async () => {
  await withDir(async (dir) => {
    const total = 256 * 1024 * 1024;
    const pidFile = join(dir, "pid");
    const exit = exits();
    let counted = 0;
    // Like upload-pack answering a clone: a large pack, written as fast as the pipe takes it.
    const command = await program(
      dir,
      `printf "Content-Type: application/x-git-upload-pack-result\\n\\n"; echo $$ > "${pidFile}"; ` +
        `exec head -c ${total} /dev/zero`,
    );
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () =>
        runCgi(request(), {
          projectRoot: dir,
          env: { PATH: "/usr/bin:/bin" },
          timeoutMs: 60_000,
          spool: { dir, maxBytes: 1000 },
          onExit: exit.onExit,
          counted: (bytes) => counted += bytes,
          command,
        }),
    );
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    assert.equal(response.status, 200);
    try {
      // The client reads nothing for now: the program soon blocks, far short of the whole pack.
      let pid = 0;
      while (pid === 0) pid = Number(await Deno.readTextFile(pidFile).catch(() => "0"));
      // Until it stops writing (or for at most 9 s).
      let before = -1;
      for (let i = 0; i < 30; i++) {
        const now = await written(pid);
        if (now === before) break;
        before = now;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      assert.ok(before < 32 * 1024 * 1024, `the program wrote ${before} bytes to a stopped client`);
      let read = 0;
      for await (const chunk of response.body!) read += chunk.length;
      assert.equal(read, total);
      assert.equal(counted, total);
    } finally {
      // A failed check leaves the answer unread: the server would wait for it at its shutdown.
      await response.body?.cancel().catch(() => {});
    }
    assert.equal((await exit.promise).code, 0);
  });
});
