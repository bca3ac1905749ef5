/**
 * The gate's smart-HTTP server (SPEC §6.2): only the two smart services of declared repos, each
 * handed to `git http-backend`. A fetch or a push first refreshes the mirror from the upstream and
 * fails when it cannot; a push holds its mirror until the backend (and with it the pre-receive
 * hook that scans and forwards) is done.
 */
import { HOOK_ENV } from "./_hook_env.ts";
import { join } from "node:path";
import { Hono } from "hono";
import { GcPacer } from "../../core/gc_pacer/mod.ts";
import type { GateRepo } from "../../core/git_gate/mod.ts";
import { runCgi } from "./_cgi.ts";
import { GitCommandError } from "./_git.ts";
import { KeyedLock } from "./_lock.ts";
import { type GateDirs, MAX_REQUEST_BYTES, refreshMirror, spoolPath } from "./_mirror.ts";

/** What the server needs. */
export interface GateAppOptions {
  /** The declared repos. */
  repos: readonly GateRepo[];
  /** The gate's directories. */
  dirs: GateDirs;
  /** Environment of every git child (base variables plus what the hook reads). */
  env: Readonly<Record<string, string>>;
  /** Timeout of a refresh from the upstream, in milliseconds. */
  fetchTimeoutMs: number;
  /** Timeout of one backend run serving a fetch. */
  uploadTimeoutMs: number;
  /** Timeout of one backend run serving a push (scan, approval wait and forward included). */
  pushTimeoutMs: number;
  /** One log line. */
  log: (line: string) => void;
}

const SERVICES = new Set(["git-upload-pack", "git-receive-pack"]);

function refuse(status: number, text: string): Response {
  return new Response(`git gate: ${text}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * The Hono app of the gate.
 *
 * @param options Repos, directories, environment, timeouts and log.
 * @returns The app.
 */
export function createGateApp(options: GateAppOptions): Hono {
  const repos = new Map(options.repos.map((repo) => [`${repo.name}.git`, repo]));
  const lock = new KeyedLock();
  // Body bytes in either direction pace the full collections that return dead buffers: a 1 GiB
  // push or clone otherwise peaked at +68 to +100 MiB of them (issue 19).
  const pacer = new GcPacer();
  const counted = (bytes: number) => pacer.relayed(bytes);
  const log = (event: Record<string, unknown>) => options.log(JSON.stringify(event));

  async function refresh(repo: GateRepo): Promise<Response | undefined> {
    try {
      await refreshMirror(repo, {
        dirs: options.dirs,
        env: { ...options.env },
        timeoutMs: options.fetchTimeoutMs,
      });
      return undefined;
    } catch (err) {
      const reason = err instanceof GitCommandError ? err.message : String(err);
      log({ event: "upstream_unreachable", repo: repo.name, url: repo.url, reason });
      return refuse(
        502,
        `cannot reach the upstream of ${repo.name} (${repo.url}); see the sidecar log`,
      );
    }
  }

  async function serve(
    repo: GateRepo,
    service: string,
    c: { req: { raw: Request } },
    info: boolean,
  ): Promise<Response> {
    const raw = c.req.raw;
    // Fetches read the mirror without the lock; refreshes and pushes change it, one at a time.
    const locked = info || service === "git-receive-pack";
    const release = locked ? await lock.acquire(repo.name) : () => {};
    let handedOver = false;
    try {
      if (info) {
        const problem = await refresh(repo);
        if (problem !== undefined) return problem;
      }
      const started = performance.now();
      const id = crypto.randomUUID();
      const report = join(options.dirs.privateDir, "reports", `${id}.log`);
      const timeoutMs = service === "git-receive-pack"
        ? options.pushTimeoutMs
        : options.uploadTimeoutMs;
      const header = (name: string) => raw.headers.get(name) ?? undefined;
      // Where a push's time goes (bench:git): the upload, then the backend from its start.
      const timing = { upload_ms: 0, body_bytes: 0, backend_at: 0 };
      const response = await runCgi({
        method: info ? "GET" : "POST",
        pathInfo: `/${repo.name}.git/${info ? "info/refs" : service}`,
        query: info ? `service=${service}` : "",
        ...optional("contentType", header("content-type")),
        ...optional("contentEncoding", header("content-encoding")),
        body: info ? null : raw.body,
      }, {
        projectRoot: options.dirs.mirrorDir,
        env: {
          ...options.env,
          [HOOK_ENV.repo]: repo.name,
          [HOOK_ENV.report]: report,
        },
        timeoutMs,
        counted,
        spool: { dir: spoolPath(options.dirs), maxBytes: MAX_REQUEST_BYTES },
        onSpooled: ({ bytes, ms }) => {
          Object.assign(timing, { upload_ms: ms, body_bytes: bytes, backend_at: Date.now() });
        },
        onExit: (result) => {
          release();
          const ms = Math.round(performance.now() - started);
          void relayReport(report, options.log).then((hookRan) => {
            // Only pushes the hook saw: git's own empty probe request before a large push is not one.
            if (hookRan) {
              const done = { code: result.code, ms, ...timing, done_at: Date.now() };
              log({ event: "push_done", repo: repo.name, ...done });
            }
            if (result.code !== 0 || result.stderr.trim() !== "") {
              log({
                event: "backend_exit",
                repo: repo.name,
                service,
                code: result.code,
                signal: result.signal,
                stderr: result.stderr.trim().slice(-2000),
              });
            }
          });
        },
      });
      handedOver = true;
      return response;
    } finally {
      if (!handedOver) release();
    }
  }

  const app = new Hono();
  app.get("/:repo/info/refs", async (c) => {
    const repo = repos.get(c.req.param("repo"));
    if (repo === undefined) return refuse(404, "no such repo");
    const service = c.req.query("service") ?? "";
    if (!SERVICES.has(service) || new URL(c.req.url).searchParams.size !== 1) {
      return refuse(403, "only the smart HTTP protocol is served");
    }
    const bad = badHeaders(c.req.raw, undefined);
    return bad ?? await serve(repo, service, c, true);
  });
  app.post("/:repo/:service", async (c) => {
    const repo = repos.get(c.req.param("repo"));
    const service = c.req.param("service");
    if (repo === undefined || !SERVICES.has(service)) return refuse(404, "no such repo or service");
    if (new URL(c.req.url).search !== "") return refuse(400, "unexpected query string");
    const bad = badHeaders(c.req.raw, service);
    return bad ?? await serve(repo, service, c, false);
  });
  app.all("*", () => refuse(404, "not a smart HTTP request for a declared repo"));
  return app;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function badHeaders(request: Request, service: string | undefined): Response | undefined {
  if (service === undefined) return undefined;
  if (request.headers.get("content-type") !== `application/x-${service}-request`) {
    return refuse(415, `expected Content-Type application/x-${service}-request`);
  }
  const encoding = request.headers.get("content-encoding");
  if (encoding !== null && encoding !== "gzip" && encoding !== "x-gzip") {
    return refuse(415, "only gzip request bodies are accepted");
  }
  return undefined;
}

/**
 * Log what the pre-receive hook reported (its own stderr goes to the git client).
 *
 * @returns Whether the hook ran (left a report).
 */
async function relayReport(path: string, log: (line: string) => void): Promise<boolean> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return false;
  }
  for (const line of text.split("\n")) if (line !== "") log(line);
  await Deno.remove(path).catch(() => {});
  return true;
}
