/**
 * `bot-bottle egress serve`: the egress proxy alone on the host (SPEC §4), for benchmarks, tests
 * and workloads outside a bottle. Serves until SIGTERM or SIGINT; SIGHUP reloads the routes file.
 */
import { UsageError } from "../../core/errors/mod.ts";
import {
  type ConnectTo,
  type HostPort,
  parseConnectTo as parseMapping,
  parseHostPort,
  settingOrDefault,
  SIDECAR_ENV,
  SIDECAR_PORTS,
} from "../../core/sidecar_contract/mod.ts";
import type { CliContext } from "./_context.ts";

/**
 * Parse `HOST:PORT` for `--listen`.
 *
 * @param value The flag value.
 * @returns Host and port.
 * @throws {UsageError} When the value is not `HOST:PORT` with a port in 0–65535.
 */
export function parseListen(value: string): HostPort {
  const parsed = parseHostPort(value);
  if (parsed === undefined) {
    throw new UsageError(
      `--listen "${value}" is not HOST:PORT (e.g. 127.0.0.1:${SIDECAR_PORTS.egress})`,
    );
  }
  return parsed;
}

/**
 * Parse `HOST:PORT=ADDR:PORT` for `--connect-to` (the address may be a host name, as in curl).
 *
 * @param value The flag value.
 * @returns The mapping.
 * @throws {UsageError} When either side is malformed.
 */
export function parseConnectTo(value: string): ConnectTo {
  const parsed = parseMapping(value, { names: true });
  if (parsed === undefined) {
    throw new UsageError(
      `--connect-to "${value}" is not HOST:PORT=ADDR:PORT (e.g. api.example.com:443=127.0.0.1:8443)`,
    );
  }
  return parsed;
}

/**
 * Parse `--log`.
 *
 * @param value The flag value, or undefined when absent.
 * @returns The level, or undefined to use the routes file's `log`.
 * @throws {UsageError} For anything but 0, 1 or 2.
 */
export function parseLogLevel(value: unknown): 0 | 1 | 2 | undefined {
  if (value === undefined) return undefined;
  if (value === "0" || value === "1" || value === "2") return Number(value) as 0 | 1 | 2;
  throw new UsageError(`--log "${String(value)}" must be 0 (off), 1 (blocks) or 2 (full)`);
}

/**
 * Serve the egress proxy until SIGTERM/SIGINT.
 *
 * @param ctx The CLI context.
 * @param options Raw commander options.
 * @returns The exit code (0 after a clean shutdown).
 * @throws {UsageError} For malformed flags.
 * @throws {ManifestError} When the routes file does not load.
 */
export async function egressServeCommand(
  ctx: CliContext,
  options: Record<string, unknown>,
): Promise<number> {
  const listen = parseListen(
    typeof options.listen === "string" ? options.listen : `127.0.0.1:${SIDECAR_PORTS.egress}`,
  );
  const connectTo = new Map(
    (options.connectTo as string[]).map(parseConnectTo).map((e) => [e.key, e] as const),
  );
  const reusePort = options.reusePort === true;
  if (reusePort && listen.port === 0) {
    // Port 0 would give each process a port of its own: nothing would be shared.
    throw new UsageError(
      `--reuse-port needs a fixed port in --listen (got ${listen.hostname}:0), the same for every process`,
    );
  }
  const logLevel = parseLogLevel(options.log);
  const upstreamCa = typeof options.upstreamCa === "string"
    ? await Deno.readTextFile(options.upstreamCa)
    : undefined;
  const operator = typeof options.queueDir === "string"
    ? {
      queueDir: options.queueDir,
      bottleSlug: "egress-serve",
      timeoutMs: settingOrDefault(ctx.env, SIDECAR_ENV.tokenAllowTimeout) * 1000,
    }
    : undefined;
  const { startEgressProxy, upstreamTimeoutsFrom } = await import("../../sidecar/egress/mod.ts");
  const proxy = await startEgressProxy({
    routesFile: String(options.routes),
    caDir: String(options.caDir),
    listen,
    reusePort,
    connectTo,
    env: ctx.env,
    logSink: (line) => ctx.stderr.write(`${line}\n`),
    ...(logLevel === undefined ? {} : { logLevel }),
    ...(upstreamCa === undefined ? {} : { upstreamCa }),
    ...(operator === undefined ? {} : { operator }),
    // The sidecar's own variables (BOT_BOTTLE_EGRESS_*_TIMEOUT_SECONDS), same bounds.
    upstreamTimeouts: upstreamTimeoutsFrom(ctx.env),
  });
  ctx.stderr.write(
    `egress proxy listening on ${proxy.hostname}:${proxy.port} (CA: ${proxy.caCertPath})\n`,
  );
  const stopped = Promise.withResolvers<void>();
  const onHup = () => void proxy.reload();
  const onStop = () => stopped.resolve();
  Deno.addSignalListener("SIGHUP", onHup);
  Deno.addSignalListener("SIGTERM", onStop);
  Deno.addSignalListener("SIGINT", onStop);
  try {
    await stopped.promise;
  } finally {
    Deno.removeSignalListener("SIGHUP", onHup);
    Deno.removeSignalListener("SIGTERM", onStop);
    Deno.removeSignalListener("SIGINT", onStop);
    await proxy.close();
  }
  return 0;
}
