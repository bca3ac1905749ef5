/**
 * Launch settings read from the host environment. They change how a bottle is built and tested,
 * never what it may reach: the operator sets them, the agent cannot.
 *
 * - `BOT_BOTTLE_AGENT_BASE_IMAGE`, `BOT_BOTTLE_SIDECAR_BASE_IMAGE`: `BASE_IMAGE` build arguments,
 *   for machines that cannot reach a registry.
 * - `BOT_BOTTLE_EGRESS_NETWORK`: an existing Docker network the sidecar uses for egress.
 * - `BOT_BOTTLE_EGRESS_CONNECT_TO`: comma-separated `HOST:PORT=ADDR:PORT` (like curl's
 *   `--connect-to`), for local upstreams in tests and labs.
 * - `BOT_BOTTLE_EGRESS_UPSTREAM_CA`: a PEM file egress also trusts for upstream TLS.
 * - `BOT_BOTTLE_BUILD_CA_FILE`: a PEM file provider image builds trust while they install from
 *   a registry (TLS-inspecting proxies); never part of the built image.
 * - `BOT_BOTTLE_SELFTEST_TCP`, `BOT_BOTTLE_SELFTEST_DNS`: comma-separated `ADDR:PORT` and names
 *   the launch self-test must fail to reach and resolve.
 * - `SUPERVISE_RESPONSE_TIMEOUT_SECONDS`, `SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS`,
 *   `EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS`: how long the sidecar waits for the operator; and
 *   `BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS`, `BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS`,
 *   `BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS`: how long egress waits for an upstream. Passed on
 *   by name (tests need short ones; the sidecar applies its defaults to those not set).
 * - `BOT_BOTTLE_WORKSPACE_MAX_MB`: the largest working directory `start` copies into a bottle
 *   (default 1024).
 * - `BOT_BOTTLE_RUNTIME`: `runsc` insists on gVisor for the agent (refused where the engine has
 *   none), `runc` opts out of it; unset or `auto`, the agent gets gVisor whenever the engine has it.
 */
import { isAbsolute } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";
import {
  EGRESS_TIMEOUTS,
  OPERATOR_TIMEOUTS,
  readSetting,
  settingOrDefault,
  SIDECAR_ENV,
} from "../../core/sidecar_contract/mod.ts";
import type { RuntimeRequest } from "../../backends/mod.ts";
import type { SelfTestTargets } from "./_types.ts";

/** Settings from the host environment. */
export interface LaunchSettings {
  /** `BASE_IMAGE` build arguments. */
  baseImages: { agent?: string; sidecar?: string };
  /** Existing egress network. */
  egressNetwork?: string;
  /** Egress `--connect-to` mappings. */
  connectTo: string[];
  /** Extra upstream CA file. */
  upstreamCaFile?: string;
  /** CA file trusted by image builds only. */
  buildCaFile?: string;
  /** Self-test targets. */
  selfTest: SelfTestTargets;
  /** Operator timeouts for the sidecar, only those set, seconds by variable name. */
  operatorTimeouts: Record<string, number>;
  /** The largest working directory copied into a bottle, in bytes. */
  workspaceMaxBytes: number;
  /** The runtime the agent asks for. */
  runtime: RuntimeRequest;
}

/** Default of `BOT_BOTTLE_WORKSPACE_MAX_MB`. */
const WORKSPACE_MAX_MB = 1024;

/** Public resolvers and a well-known name: unreachable from a bottle that works. */
function defaultSelfTest(): SelfTestTargets {
  return { tcp: ["1.1.1.1:443", "8.8.8.8:53"], dns: ["example.com"] };
}

const IMAGE_REF = /^[a-z0-9][a-z0-9._\/:@-]{0,254}$/;
const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const ADDR_PORT = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[[0-9A-Fa-f:]+\]):\d{1,5}$/;
/** Networks that would expose the sidecar to the host, every container, or another bottle. */
const SHARED_NETWORK = /^(host|bridge|none|default|bot-bottle-.*)$/;
const DNS_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}\.?$/;

/**
 * Read the launch settings.
 *
 * @param env The host environment.
 * @returns The settings, defaults applied.
 * @throws {ConfigError} Naming the variable whose value is malformed.
 */
export function launchSettings(env: Readonly<Record<string, string | undefined>>): LaunchSettings {
  const agent = one(env, "BOT_BOTTLE_AGENT_BASE_IMAGE", IMAGE_REF, "an image reference");
  const sidecar = one(env, "BOT_BOTTLE_SIDECAR_BASE_IMAGE", IMAGE_REF, "an image reference");
  const egressNetwork = one(env, "BOT_BOTTLE_EGRESS_NETWORK", NETWORK_NAME, "a network name");
  if (egressNetwork !== undefined && SHARED_NETWORK.test(egressNetwork)) {
    throw new ConfigError(
      `BOT_BOTTLE_EGRESS_NETWORK "${egressNetwork}" is shared with the host or with other ` +
        "containers; name a network made for egress (docker network create …)",
    );
  }
  const buildCaFile = value(env, "BOT_BOTTLE_BUILD_CA_FILE");
  if (buildCaFile !== undefined && !isAbsolute(buildCaFile)) {
    throw new ConfigError(
      `BOT_BOTTLE_BUILD_CA_FILE must be an absolute path (got "${buildCaFile}")`,
    );
  }
  // The host's own setting, a host path: the sidecar's variable of the same name (written by
  // sidecarEnvironment) points at the copy inside the sidecar instead.
  const upstreamCaFile = value(env, "BOT_BOTTLE_EGRESS_UPSTREAM_CA");
  if (upstreamCaFile !== undefined && !isAbsolute(upstreamCaFile)) {
    throw new ConfigError(
      `BOT_BOTTLE_EGRESS_UPSTREAM_CA must be an absolute path (got "${upstreamCaFile}")`,
    );
  }
  const tcp = list(env, "BOT_BOTTLE_SELFTEST_TCP", ADDR_PORT, "ADDR:PORT");
  const dns = list(env, "BOT_BOTTLE_SELFTEST_DNS", DNS_NAME, "a DNS name");
  return {
    baseImages: {
      ...(agent === undefined ? {} : { agent }),
      ...(sidecar === undefined ? {} : { sidecar }),
    },
    ...(egressNetwork === undefined ? {} : { egressNetwork }),
    connectTo: connectTo(env),
    ...(upstreamCaFile === undefined ? {} : { upstreamCaFile }),
    ...(buildCaFile === undefined ? {} : { buildCaFile }),
    selfTest: { tcp: tcp ?? defaultSelfTest().tcp, dns: dns ?? defaultSelfTest().dns },
    operatorTimeouts: operatorTimeouts(env),
    workspaceMaxBytes: workspaceMaxMb(env) * 1024 * 1024,
    runtime: runtimeSetting(env),
  };
}

/**
 * `BOT_BOTTLE_RUNTIME`: `auto` (the default), `runsc` or `runc`.
 *
 * @param env The host environment.
 * @returns The runtime the agent asks for.
 * @throws {ConfigError} For any other value.
 */
export function runtimeSetting(env: Readonly<Record<string, string | undefined>>): RuntimeRequest {
  const text = value(env, "BOT_BOTTLE_RUNTIME");
  if (text === undefined) return "auto";
  if (text === "auto" || text === "runsc" || text === "runc") return text;
  throw new ConfigError(
    `BOT_BOTTLE_RUNTIME "${text}" is not auto, runsc (insist on gVisor) or runc (opt out of it)`,
  );
}

/** `BOT_BOTTLE_WORKSPACE_MAX_MB`: a whole number of MiB, 1 or more. */
function workspaceMaxMb(env: Readonly<Record<string, string | undefined>>): number {
  const text = value(env, "BOT_BOTTLE_WORKSPACE_MAX_MB");
  if (text === undefined) return WORKSPACE_MAX_MB;
  if (!/^[1-9]\d{0,6}$/.test(text)) {
    throw new ConfigError(
      `BOT_BOTTLE_WORKSPACE_MAX_MB "${text}" is not a whole number of MiB from 1 to 9999999`,
    );
  }
  return Number(text);
}

/** The operator and egress timeouts set on the host, checked with the sidecar's own schemas. */
function operatorTimeouts(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, number> {
  const timeouts: Record<string, number> = {};
  for (const setting of [...OPERATOR_TIMEOUTS, ...EGRESS_TIMEOUTS]) {
    const text = value(env, setting.name);
    if (text === undefined) continue;
    timeouts[setting.name] = settingOrDefault({ [setting.name]: text }, setting);
  }
  return timeouts;
}

/** `HOST:PORT=IP:PORT` mappings, checked with the sidecar's own schema and passed on as written. */
function connectTo(env: Readonly<Record<string, string | undefined>>): string[] {
  const name = SIDECAR_ENV.egressConnectTo.name;
  const text = value(env, name);
  if (text === undefined) return [];
  readSetting({ [name]: text }, SIDECAR_ENV.egressConnectTo);
  return text.split(",").map((item) => item.trim()).filter((item) => item !== "");
}

function value(env: Readonly<Record<string, string | undefined>>, name: string) {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function one(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  pattern: RegExp,
  what: string,
): string | undefined {
  const v = value(env, name);
  if (v !== undefined && !pattern.test(v)) {
    throw new ConfigError(`${name} "${v}" is not ${what}`);
  }
  return v;
}

function list(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  pattern: RegExp,
  what: string,
): string[] | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  const items = v.split(",").map((item) => item.trim()).filter((item) => item !== "");
  const bad = items.find((item) => !pattern.test(item));
  if (bad !== undefined) {
    throw new ConfigError(`${name} has "${bad}", which is not ${what} (separate items with ,)`);
  }
  return items;
}
