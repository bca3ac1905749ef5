/**
 * One smart-HTTP request handed to `git http-backend` as a CGI program: the request body is first
 * spooled to a file (see `_spool.ts`) that becomes the backend's stdin, its header block becomes
 * the response status and headers, and the rest of its stdout streams back as the body. The
 * program is killed when the client goes away or its time runs out.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { Readable } from "node:stream";
import { headEnd, MAX_CGI_HEAD_BYTES, parseCgiHead } from "./_cgi_head.ts";
import { spoolBody, type SpooledBody, SpoolError } from "./_spool.ts";

/** The CGI meta-variables of one request (RFC 3875 §4.1), already validated by the server. */
export interface CgiRequest {
  /** `GET` or `POST`. */
  method: "GET" | "POST";
  /** `/<repo>.git/<service path>`. */
  pathInfo: string;
  /** The query string (`service=…` or empty). */
  query: string;
  /** Request headers the backend reads. */
  contentType?: string;
  /** `Content-Encoding` (`gzip`), when sent. */
  contentEncoding?: string;
  /** The request body; a client that goes away errors it, and the backend never starts. */
  body: ReadableStream<Uint8Array> | null;
}

/** How the backend runs. */
export interface CgiOptions {
  /** `GIT_PROJECT_ROOT`: the folder of bare mirrors. */
  projectRoot: string;
  /** The rest of the backend's environment (PATH, HOME, what the hooks read). */
  env: Readonly<Record<string, string>>;
  /** Kill the backend after this many milliseconds. */
  timeoutMs: number;
  /** Called once the backend exited, with its exit code (or signal) and stderr. */
  onExit: (result: { code: number; signal: string | null; stderr: string }) => void;
  /** Where request bodies are spooled, and the largest body taken (413 above it). */
  spool: { dir: string; maxBytes: number };
  /** Called once the body is spooled, with its size and the time it took to arrive. */
  onSpooled?: (spooled: { bytes: number; ms: number }) => void;
  /** Hears the size of every chunk of the body spooled and of the answer relayed. */
  counted?: (bytes: number) => void;
  /** The CGI program; `git http-backend` unless a test runs another. */
  command?: readonly [string, ...string[]];
}

/** How long past its deadline `timeout` itself kills a backend that ignored SIGTERM. */
const BACKSTOP_SECONDS = 10;

/** What the backend's failure looks like to the client. */
function failure(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { "content-type": "text/plain" } });
}

/**
 * Run `git http-backend` for one request.
 *
 * @param request The request's meta-variables and body.
 * @param options Root, environment, timeout and exit callback.
 * @returns The response: the backend's, or 500 when it printed no valid header block.
 */
export async function runCgi(request: CgiRequest, options: CgiOptions): Promise<Response> {
  const env: Record<string, string> = {
    ...options.env,
    GIT_PROJECT_ROOT: options.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    REQUEST_METHOD: request.method,
    PATH_INFO: request.pathInfo,
    QUERY_STRING: request.query,
    REMOTE_USER: "agent",
    REMOTE_ADDR: "agent",
    GATEWAY_INTERFACE: "CGI/1.1",
  };
  if (request.contentType !== undefined) env.CONTENT_TYPE = request.contentType;
  if (request.contentEncoding !== undefined) env.HTTP_CONTENT_ENCODING = request.contentEncoding;
  // Stopping also drops the request body: a read of it left pending (the client gone, the answer
  // cancelled) would hold the client's connection open until the server shuts down.
  const stopped = new AbortController();
  const timer = setTimeout(() => stopped.abort(), options.timeoutMs);
  let spooled: SpooledBody | undefined;
  if (request.body !== null) {
    const started = performance.now();
    try {
      spooled = await spoolBody(request.body, {
        ...options.spool,
        signal: stopped.signal,
        ...(options.counted === undefined ? {} : { counted: options.counted }),
      });
    } catch (err) {
      clearTimeout(timer);
      if (!(err instanceof SpoolError)) throw err;
      options.onExit({ code: 1, signal: null, stderr: err.message });
      return failure(err.status, `git gate: ${err.message}`);
    }
    // No CONTENT_LENGTH: the file ends where the body does, and without one http-backend lets
    // receive-pack (and index-pack) read the file itself instead of copying it through a pipe.
    options.onSpooled?.({ bytes: spooled.bytes, ms: Math.round(performance.now() - started) });
  }
  return start(env, { ...options, timer, stopped, spooled });
}

/**
 * Start the backend with the spooled body as its stdin. `timeout` leads a process group of its
 * own, so stopping it (SIGTERM, which it passes on) or its own deadline (SIGKILL, a backstop) ends
 * the whole tree: receive-pack, the pre-receive hook and the hook's git children.
 */
async function start(
  env: Record<string, string>,
  run: CgiOptions & {
    timer: ReturnType<typeof setTimeout>;
    stopped: AbortController;
    spooled: SpooledBody | undefined;
  },
): Promise<Response> {
  const backstop = `${Math.ceil(run.timeoutMs / 1000) + BACKSTOP_SECONDS}s`;
  const command = run.command ?? ["git", "http-backend"];
  const stdin = run.spooled === undefined ? "ignore" : openSync(run.spooled.path, "r");
  const child = spawn("timeout", ["--signal=KILL", backstop, ...command], {
    env,
    stdio: [stdin, "pipe", "pipe"],
  });
  if (typeof stdin === "number") closeSync(stdin);
  let killed = false;
  const kill = () => {
    killed = true;
    try {
      child.kill("SIGTERM");
    } catch {
      // Already exited.
    }
  };
  if (run.stopped.signal.aborted) kill();
  run.stopped.signal.addEventListener("abort", kill, { once: true });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => stderr += text);
  const status = new Promise<{ code: number; signal: string | null }>((resolve) => {
    child.once("error", (err) => {
      stderr += String(err);
      resolve({ code: 127, signal: null });
    });
    child.once("close", (code, signal) => resolve({ code: code ?? 128, signal }));
  });
  void status.then(async (result) => {
    clearTimeout(run.timer);
    run.stopped.signal.removeEventListener("abort", kill);
    await run.spooled?.[Symbol.asyncDispose]();
    run.onExit({ ...result, stderr });
  });
  // Exit codes from 124 up are `timeout`'s own or a signal's: the answer is incomplete.
  const complete = status.then((result) => !killed && result.signal === null && result.code < 124);
  const stdout = Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>;
  return await respond(stdout, { complete, kill, counted: run.counted });
}

async function respond(
  stdout: ReadableStream<Uint8Array>,
  backend: {
    complete: Promise<boolean>;
    kill: () => void;
    counted: ((bytes: number) => void) | undefined;
  },
): Promise<Response> {
  const { complete, kill, counted } = backend;
  const reader = stdout.getReader();
  let seen = new Uint8Array(0);
  while (true) {
    const end = headEnd(seen);
    if (end >= 0) {
      const parsed = parseCgiHead(new TextDecoder().decode(seen.subarray(0, end)));
      if (parsed.head === undefined) {
        kill();
        await reader.cancel().catch(() => {});
        return failure(500, `git gate: the git backend answered badly (${parsed.problem})`);
      }
      const rest = seen.subarray(end);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (rest.length === 0) return;
          counted?.(rest.length);
          controller.enqueue(rest);
        },
        async pull(controller) {
          const { done, value } = await reader.read();
          if (!done) {
            counted?.(value.length);
            return controller.enqueue(value);
          }
          // A killed backend (timeout, client gone) must not look like a complete answer.
          if (await complete) controller.close();
          else controller.error(new Error("the git backend was stopped"));
        },
        cancel() {
          kill();
          return reader.cancel();
        },
      });
      return new Response(body, { status: parsed.head.status, headers: parsed.head.headers });
    }
    if (seen.length > MAX_CGI_HEAD_BYTES) {
      kill();
      await reader.cancel().catch(() => {});
      return failure(500, "git gate: the git backend printed no header block");
    }
    const { done, value } = await reader.read();
    if (done) return failure(500, "git gate: the git backend exited without answering");
    const next = new Uint8Array(seen.length + value.length);
    next.set(seen);
    next.set(value, seen.length);
    seen = next;
  }
}
