/**
 * The sidecar's environment: every variable the host sets and the sidecar reads, with its schema
 * and default. The sidecar reads them with {@link readSetting}; the host writes them with
 * `sidecarEnvironment()` and reads the operator's own timeout variables with the same schemas
 * before passing them on, so both sides accept exactly the same values.
 */
import { isAbsolute } from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors/mod.ts";
import { SIDECAR_DNS_PORT, SIDECAR_PORTS } from "./_endpoints.ts";
import { SIDECAR_FILES, SIDECAR_MOUNTS } from "./_layout.ts";
import {
  type ConnectTo,
  type HostPort,
  MAX_TIMEOUT_SECONDS,
  parseConnectTo,
  parseHostPort,
  parseSubnet,
  parseWholeSeconds,
  type Subnet,
} from "./_values.ts";

/** A process environment as `Deno.env.toObject()` gives it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** One variable of the contract. */
export interface SidecarVariable<T> {
  /** The variable's name. */
  readonly name: string;
  /** What it is for. */
  readonly description: string;
  /** What a valid value is, for messages (`an absolute path`). */
  readonly format: string;
  /** A valid value, for messages. */
  readonly example: string;
  /** Parses the text (never empty) into the value. */
  readonly schema: z.ZodType<T, string>;
  /** The text used when the variable is unset or empty, if any. */
  readonly fallback?: string;
}

function variable<T>(spec: {
  name: string;
  description: string;
  format: string;
  example: string;
  parse: (text: string) => T | undefined;
  fallback?: string;
}): SidecarVariable<T> {
  const schema = z.string().transform((text, ctx) => {
    const value = spec.parse(text);
    if (value === undefined) {
      ctx.addIssue({ code: "custom", message: `is not ${spec.format}` });
      return z.NEVER;
    }
    return value;
  }).describe(spec.description);
  return Object.freeze({
    name: spec.name,
    description: spec.description,
    format: spec.format,
    example: spec.example,
    schema,
    ...(spec.fallback === undefined ? {} : { fallback: spec.fallback }),
  });
}

function absolutePath(text: string): string | undefined {
  return isAbsolute(text) ? text : undefined;
}

function seconds(name: string, description: string, fallback: number, max = MAX_TIMEOUT_SECONDS) {
  return variable({
    name,
    description,
    format: `a whole number of seconds from 1 to ${max}`,
    example: String(fallback),
    parse: (text) => {
      const value = parseWholeSeconds(text);
      return value === undefined || value > max ? undefined : value;
    },
    fallback: String(fallback),
  });
}

function listen(name: string, port: number) {
  return variable<HostPort>({
    name,
    description: "Where the daemon listens (HOST:PORT)",
    format: "HOST:PORT",
    example: `0.0.0.0:${port}`,
    parse: parseHostPort,
    fallback: `0.0.0.0:${port}`,
  });
}

function subnet(name: string) {
  return variable<Subnet>({
    name,
    description: "Listen on this container's address in the subnet (the bottle's internal " +
      "network) instead of the listen host",
    format: "an IPv4 subnet",
    example: "172.20.0.0/16",
    parse: parseSubnet,
  });
}

function path(name: string, description: string, where: { example: string; fallback?: string }) {
  return variable({
    name,
    description,
    format: "an absolute path",
    example: where.example,
    parse: absolutePath,
    ...(where.fallback === undefined ? {} : { fallback: where.fallback }),
  });
}

function withDefault(path: string): { example: string; fallback: string } {
  return { example: path, fallback: path };
}

/** The prefix of the egress token slots (`EGRESS_TOKEN_1`, …), one per distinct `token_ref`. */
export const TOKEN_SLOT_PREFIX = "EGRESS_TOKEN_";

/**
 * The name of a token slot.
 *
 * @param index The slot's number, from 1.
 * @returns `EGRESS_TOKEN_<index>`.
 */
export function tokenSlotName(index: number): string {
  return `${TOKEN_SLOT_PREFIX}${index}`;
}

/**
 * The prefix of the known-secret slots (`EGRESS_KNOWN_SECRET_1`, …): the values of the agent's
 * secret env (`${HOST_VAR}` and `?prompt`), which egress scans for but never injects.
 */
export const KNOWN_SECRET_PREFIX = "EGRESS_KNOWN_SECRET_";

/**
 * The name of a known-secret slot.
 *
 * @param index The slot's number, from 1.
 * @returns `EGRESS_KNOWN_SECRET_<index>`.
 */
export function knownSecretSlotName(index: number): string {
  return `${KNOWN_SECRET_PREFIX}${index}`;
}

/** Every variable of the sidecar's environment. */
export const SIDECAR_ENV = Object.freeze({
  /** Which daemons the init process starts. */
  daemons: variable<string[]>({
    name: "BOT_BOTTLE_SIDECAR_DAEMONS",
    description: "The daemons to run, comma-separated",
    format: "a comma-separated list of daemons",
    example: "egress,supervise",
    parse: (text) => text.split(",").map((name) => name.trim()).filter((name) => name !== ""),
  }),
  /** How long daemons get between SIGTERM and SIGKILL. */
  graceSeconds: variable<number>({
    name: "BOT_BOTTLE_SIDECAR_GRACE_SECONDS",
    description: "Seconds daemons get between SIGTERM and SIGKILL",
    format: "a number of seconds",
    example: "10",
    parse: (text) => /^\d{1,4}(\.\d{1,3})?$/.test(text) ? Number(text) : undefined,
    fallback: "10",
  }),
  /** The bottle's slug (proposals name it). */
  slug: variable<string>({
    name: "BOT_BOTTLE_SLUG",
    description: "The bottle's slug",
    format: "lowercase letters, digits and dashes",
    example: "dev-1a2b3c",
    parse: (text) => /^[a-z0-9][a-z0-9-]*$/.test(text) ? text : undefined,
  }),
  /** The operator queue. */
  queueDir: path("BOT_BOTTLE_QUEUE_DIR", "The bottle's operator queue directory", {
    example: SIDECAR_MOUNTS.queue,
  }),
  /** The live routes file. */
  egressRoutes: path(
    "BOT_BOTTLE_EGRESS_ROUTES",
    "The egress routes file, inside a bind-mounted directory",
    withDefault(`${SIDECAR_MOUNTS.egress}/${SIDECAR_FILES.routes}`),
  ),
  /** The bottle CA's directory. */
  egressCaDir: path(
    "BOT_BOTTLE_EGRESS_CA_DIR",
    "The bottle CA's directory",
    withDefault(`${SIDECAR_MOUNTS.egress}/${SIDECAR_FILES.caDir}`),
  ),
  /** Where the proxy listens. */
  egressListen: listen("BOT_BOTTLE_EGRESS_LISTEN", SIDECAR_PORTS.egress),
  /** The internal network the proxy listens on. */
  egressListenSubnet: subnet("BOT_BOTTLE_EGRESS_LISTEN_SUBNET"),
  /**
   * Where egress answers DNS, refusing every name (in the proxy's subnet, like the proxy); unset,
   * it answers none.
   */
  egressDnsListen: variable<HostPort>({
    name: "BOT_BOTTLE_EGRESS_DNS_LISTEN",
    description: "Where egress answers every DNS query with REFUSED (HOST:PORT, UDP)",
    format: "HOST:PORT",
    example: `0.0.0.0:${SIDECAR_DNS_PORT}`,
    parse: parseHostPort,
  }),
  /** An extra CA trusted for upstream TLS. */
  egressUpstreamCa: path("BOT_BOTTLE_EGRESS_UPSTREAM_CA", "An extra PEM CA for upstream TLS", {
    example: `${SIDECAR_MOUNTS.egress}/${SIDECAR_FILES.upstreamCa}`,
  }),
  /** Upstreams mapped to test addresses by the operator. */
  egressConnectTo: variable<ConnectTo[]>({
    name: "BOT_BOTTLE_EGRESS_CONNECT_TO",
    description: "Upstreams mapped to addresses (exempt from the private-address check)",
    format: "a comma-separated list of HOST:PORT=IP:PORT",
    example: "api.example.com:443=10.0.0.5:8443",
    parse: (text) => {
      const items = text.split(",").map((i) => i.trim()).filter((i) => i !== "");
      const parsed = items.map((item) => parseConnectTo(item));
      return parsed.every((p) => p !== undefined) ? parsed as ConnectTo[] : undefined;
    },
  }),
  /** How long egress waits for an upstream to connect (TLS included) before a 504. */
  egressConnectTimeout: seconds(
    "BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS",
    "How long egress waits for an upstream to connect before answering 504",
    10,
    300,
  ),
  /** How long egress waits for the first byte of an upstream's answer before a 504. */
  egressResponseTimeout: seconds(
    "BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS",
    "How long egress waits for an upstream to start answering before answering 504",
    300,
    3600,
  ),
  /** The longest silence egress allows in the middle of an upstream's answer. */
  egressStallTimeout: seconds(
    "BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS",
    "The longest silence egress allows in the middle of an upstream's answer",
    300,
    3600,
  ),
  /** Where the supervise MCP server listens. */
  superviseListen: listen("BOT_BOTTLE_SUPERVISE_LISTEN", SIDECAR_PORTS.supervise),
  /** The internal network it listens on. */
  superviseListenSubnet: subnet("BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET"),
  /** The git gate's `repos.json` and keys. */
  gitGateConfigDir: path(
    "BOT_BOTTLE_GIT_GATE_CONFIG_DIR",
    "The git gate's repos.json and keys",
    withDefault(SIDECAR_MOUNTS.gitGate),
  ),
  /** The git gate's mirrors. */
  gitGateMirrorDir: path(
    "BOT_BOTTLE_GIT_GATE_MIRROR_DIR",
    "The git gate's bare mirrors",
    withDefault(SIDECAR_MOUNTS.gitMirrors),
  ),
  /** Where the git gate listens. */
  gitGateListen: listen("BOT_BOTTLE_GIT_GATE_LISTEN", SIDECAR_PORTS.gitGate),
  /** The internal network it listens on. */
  gitGateListenSubnet: subnet("BOT_BOTTLE_GIT_GATE_LISTEN_SUBNET"),
  /** The deadline of each git child. */
  gitGateTimeout: seconds(
    "BOT_BOTTLE_GIT_GATE_TIMEOUT_SECONDS",
    "The deadline of each git child of the gate",
    600,
  ),
  /** How long a supervise tool call waits for the operator before answering `pending`. */
  superviseResponseTimeout: seconds(
    "SUPERVISE_RESPONSE_TIMEOUT_SECONDS",
    "How long a supervise tool call waits for the operator",
    30,
  ),
  /** How long a push with `gitleaks:allow` lines waits for the operator. */
  gitleaksAllowTimeout: seconds(
    "SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS",
    "How long a gitleaks-allow push waits for the operator",
    300,
  ),
  /** How long a request held by DLP waits for the operator. */
  tokenAllowTimeout: seconds(
    "EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS",
    "How long an egress-token-allow request waits for the operator",
    300,
  ),
  /** The bottle's canary (secret: egress and the git gate only). */
  canary: variable<string>({
    name: "BOT_BOTTLE_CANARY",
    description: "The bottle's canary token; seeing it in egress is proof of exfiltration",
    format: "a token",
    example: "bot-bottle-canary-…",
    parse: (text) => text,
  }),
});

/** The egress upstream timeouts the host passes on from its own environment, by name. */
export const EGRESS_TIMEOUTS = Object.freeze(
  [
    SIDECAR_ENV.egressConnectTimeout,
    SIDECAR_ENV.egressResponseTimeout,
    SIDECAR_ENV.egressStallTimeout,
  ] as const,
);

/** The operator timeouts the host passes on from its own environment, by name. */
export const OPERATOR_TIMEOUTS = Object.freeze(
  [
    SIDECAR_ENV.superviseResponseTimeout,
    SIDECAR_ENV.gitleaksAllowTimeout,
    SIDECAR_ENV.tokenAllowTimeout,
  ] as const,
);

/**
 * Read one setting.
 *
 * @param env The environment.
 * @param setting The variable.
 * @returns Its value, its default when unset or empty, or `undefined` without a default.
 * @throws {ConfigError} Naming the variable, its value and what it should be.
 */
export function readSetting<T>(env: Environment, setting: SidecarVariable<T>): T | undefined {
  const raw = env[setting.name];
  const text = raw === undefined || raw === "" ? setting.fallback : raw;
  if (text === undefined) return undefined;
  const parsed = setting.schema.safeParse(text);
  if (!parsed.success) {
    throw new ConfigError(
      `${setting.name} "${text}" is not ${setting.format} (e.g. ${setting.example})`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/**
 * Read a setting that has a default.
 *
 * @param env The environment.
 * @param setting The variable (one with a `fallback`).
 * @returns Its value.
 * @throws {ConfigError} For a malformed value, or a variable without a default that is unset.
 */
export function settingOrDefault<T>(env: Environment, setting: SidecarVariable<T>): T {
  const value = readSetting(env, setting);
  if (value === undefined) throw new ConfigError(`${setting.name} must be set`);
  return value;
}
