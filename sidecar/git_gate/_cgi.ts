/**
 * One smart-HTTP request handed to `git http-backend` as a CGI program: the request body streams
 * into its stdin (no size cap, no buffering), its header block becomes the response status and
 * headers, and the rest of its stdout streams back as the body. The program is killed when the
 * client goes away or its time runs out.
 */
import { headEnd, MAX_CGI_HEAD_BYTES, parseCgiHead } from "./_cgi_head.ts";

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
  /** `Content-Length`, when the client sent one. */
  contentLength?: string;
  /** `Content-Encoding` (`gzip`), when sent. */
  contentEncoding?: string;
  /** The request body; a client that goes away errors it, which stops the backend. */
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
  if (request.contentLength !== undefined) env.CONTENT_LENGTH = request.contentLength;
  if (request.contentEncoding !== undefined) env.HTTP_CONTENT_ENCODING = request.contentEncoding;
  // `timeout` leads a process group of its own, so stopping it (SIGTERM, which it passes on) or
  // its own deadline (SIGKILL, a backstop) ends the whole tree: receive-pack, the pre-receive
  // hook and the hook's git children, not only the backend.
  const backstop = `${Math.ceil(options.timeoutMs / 1000) + BACKSTOP_SECONDS}s`;
  const command = options.command ?? ["git", "http-backend"];
  const child = new Deno.Command("timeout", {
    args: ["--signal=KILL", backstop, ...command],
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  // Stopping also drops the request body: a read of it left pending (the client gone, the answer
  // cancelled) would hold the client's connection open until the server shuts down.
  const stopped = new AbortController();
  const kill = () => {
    killed = true;
    stopped.abort();
    try {
      child.kill("SIGTERM");
    } catch {
      // Already exited.
    }
  };
  const timer = setTimeout(kill, options.timeoutMs);
  const stderr = new Response(child.stderr).text();
  void child.status.then(async (status) => {
    clearTimeout(timer);
    options.onExit({ code: status.code, signal: status.signal, stderr: await stderr });
  });
  // A client that stops sending, or sends a broken chunk, ends the backend's input: it fails.
  void (request.body ?? new ReadableStream({ start: (c) => c.close() }))
    .pipeTo(child.stdin, { signal: stopped.signal })
    .catch(kill);
  // Exit codes from 124 up are `timeout`'s own or a signal's: the answer is incomplete.
  const complete = child.status.then((status) =>
    !killed && status.signal === null && status.code < 124
  );
  return await respond(child.stdout, complete, kill);
}

async function respond(
  stdout: ReadableStream<Uint8Array>,
  complete: Promise<boolean>,
  kill: () => void,
): Promise<Response> {
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
          if (rest.length > 0) controller.enqueue(rest);
        },
        async pull(controller) {
          const { done, value } = await reader.read();
          if (!done) return controller.enqueue(value);
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
