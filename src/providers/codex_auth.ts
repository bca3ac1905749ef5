/**
 * Codex host device-auth forwarding (SPEC §7). With `agent_provider.forward_host_credentials`,
 * bot-bottle reads the host's `auth.json` (written by `codex login --device-auth`), hands only
 * `tokens.access_token` to the egress proxy, and gives the agent a dummy `auth.json` that keeps
 * Codex in ChatGPT-auth mode without a real secret.
 *
 * Why the dummy tokens copy the real `exp`: Codex checks the JWT expiry locally and refreshes
 * when it lapses. Inside the bottle that refresh cannot work (the refresh token is a
 * placeholder), so an earlier dummy expiry would drop Codex to its sign-in screen while egress
 * still holds a valid bearer.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError, messageOf } from "../../core/errors/mod.ts";
import {
  decodeJwtPayload,
  encodeDummyJwt,
  isJsonObject,
  type JsonObject,
  PLACEHOLDER,
  redactClaims,
  redactUnknown,
} from "./_jwt.ts";

const PREFIX = "codex host credentials: ";
const LOGIN = "run `codex login --device-auth` on the host";

/** The host's Codex device-auth login, split into what egress gets and what the agent gets. */
export interface CodexHostAuth {
  /** The real access token, for the egress proxy only (`Authorization: Bearer`). */
  accessToken: string;
  /** When the access token expires (its JWT `exp`). */
  expiresAt: Date;
  /** The agent's `auth.json`: same shape and expiry, no real secret. */
  dummyAuthJson: string;
  /** The host file it was read from. */
  path: string;
}

/**
 * Where the host's Codex login lives: `$CODEX_HOME/auth.json` (a leading `~/` expands to HOME),
 * else `$HOME/.codex/auth.json`.
 *
 * @param hostEnv The host environment.
 * @returns The path of `auth.json`.
 * @throws {ConfigError} When neither CODEX_HOME nor HOME is set.
 */
export function codexAuthPath(hostEnv: Readonly<Record<string, string | undefined>>): string {
  const codexHome = hostEnv.CODEX_HOME;
  const home = hostEnv.HOME;
  if (codexHome) {
    if (codexHome !== "~" && !codexHome.startsWith("~/")) return join(codexHome, "auth.json");
    if (home) return join(home, codexHome.slice(1), "auth.json");
    throw new ConfigError(
      `${PREFIX}CODEX_HOME "${codexHome}" starts with ~ but HOME is not set; set HOME or give ` +
        "CODEX_HOME as an absolute path",
    );
  }
  if (home) return join(home, ".codex", "auth.json");
  throw new ConfigError(
    `${PREFIX}cannot locate auth.json: neither CODEX_HOME nor HOME is set; set CODEX_HOME to ` +
      "the folder that holds Codex's auth.json",
  );
}

/**
 * Read and check the host's Codex device-auth login, and build the agent's dummy `auth.json`.
 * No message ever contains a token.
 *
 * @param hostEnv The host environment (locates the file, see {@link codexAuthPath}).
 * @param now The current time, for the expiry check and the dummy `last_refresh`.
 * @returns The access token, its expiry, the dummy file text and the host path.
 * @throws {ConfigError} When the file is missing, unreadable, not device auth, or expired.
 */
export async function readCodexHostAuth(
  hostEnv: Readonly<Record<string, string | undefined>>,
  now: Date = new Date(),
): Promise<CodexHostAuth> {
  const path = codexAuthPath(hostEnv);
  const auth = parseAuthObject(await readAuthText(path), path);
  const apiKey = typeof auth.OPENAI_API_KEY === "string" && auth.OPENAI_API_KEY !== "";
  const mode = typeof auth.auth_mode === "string" ? auth.auth_mode : undefined;
  if (mode === undefined || mode.toLowerCase().replace(/[-_]/g, "") === "apikey") {
    throw apiKeyError(path, mode === undefined ? " (no auth_mode)" : "");
  }
  const tokens = auth.tokens;
  if (!isJsonObject(tokens)) {
    if (apiKey) throw apiKeyError(path, " (OPENAI_API_KEY without tokens)");
    throw new ConfigError(`${PREFIX}${path} has no tokens object; ${LOGIN}`);
  }
  const accessToken = tokens.access_token;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new ConfigError(`${PREFIX}${path} has no tokens.access_token; ${LOGIN}`);
  }
  const exp = decodeJwtPayload(accessToken)?.exp;
  const expiresAt = new Date(typeof exp === "number" ? exp * 1000 : NaN);
  if (typeof exp !== "number" || Number.isNaN(expiresAt.getTime())) {
    throw new ConfigError(
      `${PREFIX}tokens.access_token in ${path} is not a JWT with a numeric exp; ${LOGIN}`,
    );
  }
  if (expiresAt.getTime() <= now.getTime()) {
    throw new ConfigError(
      `${PREFIX}the access token in ${path} expired at ${expiresAt.toISOString()}; ${LOGIN} ` +
        "and start the bottle again",
    );
  }
  const dummy = dummyAuth(auth, tokens, exp, now);
  return {
    accessToken,
    expiresAt,
    dummyAuthJson: `${JSON.stringify(sorted(dummy), null, 2)}\n`,
    path,
  };
}

async function readAuthText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new ConfigError(
        `${PREFIX}${path} does not exist; ${LOGIN}, or remove ` +
          "agent_provider.forward_host_credentials from the bottle",
        { cause: err },
      );
    }
    throw new ConfigError(
      `${PREFIX}cannot read ${path} (${
        messageOf(err)
      }); make it readable by this user, or ${LOGIN}`,
      { cause: err },
    );
  }
}

function parseAuthObject(text: string, path: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8 quotes an excerpt of the input ("...token":eyJ..."), which may hold a token: drop it,
    // and leave the SyntaxError out of `cause` so nothing prints it.
    const reason = messageOf(err).replace(/"[\s\S]*"/, "<excerpt omitted>");
    throw new ConfigError(`${PREFIX}${path} is not valid JSON (${reason}); ${LOGIN} to rewrite it`);
  }
  if (!isJsonObject(value)) {
    throw new ConfigError(`${PREFIX}${path} must hold a JSON object; ${LOGIN} to rewrite it`);
  }
  return value;
}

function apiKeyError(path: string, detail: string): ConfigError {
  return new ConfigError(
    `${PREFIX}${path} holds API-key auth${detail}, not device auth; use agent_provider.auth_token ` +
      `with an API key instead, or ${LOGIN}`,
  );
}

function dummyAuth(auth: JsonObject, tokens: JsonObject, exp: number, now: Date): JsonObject {
  const dummyTokens = redactEach(tokens);
  for (const key of ["access_token", "id_token"]) {
    if (key in tokens) dummyTokens[key] = dummyJwt(tokens[key], exp);
  }
  // The selected ChatGPT account id is not a secret, and Codex sends it with every request.
  if (typeof tokens.account_id === "string") dummyTokens.account_id = tokens.account_id;
  return {
    ...redactEach(auth),
    auth_mode: auth.auth_mode,
    OPENAI_API_KEY: null,
    last_refresh: now.toISOString(),
    tokens: dummyTokens,
  };
}

/** Every value reduced by {@link redactUnknown}; own keys only, so `__proto__` stays a key. */
function redactEach(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, redactUnknown(v)]));
}

function dummyJwt(hostToken: unknown, exp: number): string {
  const payload = typeof hostToken === "string" ? decodeJwtPayload(hostToken) : undefined;
  const claims = redactClaims(payload ?? {});
  return encodeDummyJwt({ ...claims, sub: claims.sub ?? PLACEHOLDER, exp });
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isJsonObject(value)) return value;
  const keys = Object.keys(value).sort();
  return Object.fromEntries(keys.map((k) => [k, sorted(value[k])]));
}
