/**
 * The git gate (SPEC §6.2): a smart-HTTP server on 9420 serving one bare mirror per declared repo
 * through `git http-backend`, and the mirrors' pre-receive hook. Fetches refresh from the upstream
 * first and fail when it is unreachable; pushes are secret-scanned (only the commits new to the
 * gate), `gitleaks:allow` lines wait for the operator, and clean pushes are forwarded over SSH with
 * the repo's key and pinned host key before the mirror accepts them. The agent never holds the key.
 *
 * @module
 * @example
 * ```ts ignore
 * import { initMirrors, startGateServer } from "./mod.ts";
 * await initMirrors(repos, { dirs, env, hooksDir, timeoutMs: 600_000 });
 * await using server = await startGateServer({ repos, dirs, env, listen, log: console.log, ... });
 * ```
 */
import { createGateApp, type GateAppOptions } from "./_server.ts";
import { spoolPath } from "./_mirror.ts";

export { type GateAppOptions } from "./_server.ts";
export {
  baseGitEnv,
  type GateDirs,
  HOOK_PROBE_EXIT,
  HOOK_PROBE_REPLY,
  initMirrors,
  probeHook,
} from "./_mirror.ts";
export { type PreReceiveIo, type PreReceiveSettings, runPreReceive } from "./_hook.ts";
export { writeHookScript } from "./_hook_script.ts";
export { HOOK_ENV } from "./_hook_env.ts";

/** Options of {@link startGateServer}. */
export interface GateServerOptions extends GateAppOptions {
  /** Where to listen (port 0 picks one). */
  listen: { hostname: string; port: number };
}

/** A running gate server. */
export interface GateServer extends AsyncDisposable {
  /** Where it listens. */
  address: { hostname: string; port: number };
  /** Stop listening; requests in flight finish. */
  close(): Promise<void>;
}

/**
 * Start the gate's server.
 *
 * @param options Repos, directories, environment, timeouts, log and listen address.
 * @returns The running server.
 * @throws {Deno.errors.AddrInUse} When the address is taken (and other listen errors).
 */
export async function startGateServer(options: GateServerOptions): Promise<GateServer> {
  // Bodies left by a gate stopped mid-push are never read again.
  const spool = spoolPath(options.dirs);
  await Deno.remove(spool, { recursive: true }).catch((err) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
  await Deno.mkdir(spool, { mode: 0o700 });
  const app = createGateApp(options);
  const { promise, resolve } = Promise.withResolvers<GateServer>();
  const server = Deno.serve({
    hostname: options.listen.hostname,
    port: options.listen.port,
    onListen: (addr) => {
      options.log(JSON.stringify({ event: "listening", address: `${addr.hostname}:${addr.port}` }));
      const close = () => server.shutdown();
      resolve({
        address: { hostname: addr.hostname, port: addr.port },
        close,
        [Symbol.asyncDispose]: close,
      });
    },
  }, app.fetch);
  return await promise;
}
