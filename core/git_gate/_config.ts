/**
 * The gate's configuration file (`repos.json`, see `core/sidecar_contract`): written by the host
 * from the resolved manifest, read by the sidecar's git-gate daemon. It holds no key material;
 * each repo's private key is the file `keys/<name>` beside it.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { HOST_KEY_TYPES, SAFE_NAME_PATTERN } from "./_names.ts";
import { messageOf } from "../errors/mod.ts";

const HOST =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

// The sidecar trusts nothing it reads: the same shapes the manifest loader enforced are checked
// again, so a value that would split an argv word or a known_hosts line never reaches ssh.
const hostName = z.string().refine((h) => isIP(h) !== 0 || HOST.test(h), {
  error: "must be a lower-case host name or an IP address",
});

/** One upstream repo as the gate sees it. */
export const GateRepoSchema = z.strictObject({
  name: z.string().regex(SAFE_NAME_PATTERN).describe("Repo name; the gate serves /<name>.git"),
  url: z.string().describe("The upstream URL as written in the manifest"),
  user: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/).describe("SSH user"),
  host: hostName.describe("Upstream host"),
  port: z.number().int().min(1).max(65535).describe("SSH port"),
  path: z.string().regex(/^[A-Za-z0-9._~+-][A-Za-z0-9._~+/-]*$/).describe(
    "Path on the server, without the leading /",
  ),
  host_key: z.string().regex(
    new RegExp(
      `^(${HOST_KEY_TYPES.map((t) => t.replaceAll(".", "\\.")).join("|")}) [A-Za-z0-9+/]+={0,2}$`,
    ),
  ).describe("Pinned key: key-type base64"),
  extra_hosts: z.record(hostName, z.string().refine((ip) => isIP(ip) !== 0)).describe(
    "host → IP pins",
  ),
});

/** One upstream repo as the gate sees it. */
export type GateRepo = z.infer<typeof GateRepoSchema>;

/** The whole file. */
export const GateConfigSchema = z.strictObject({
  repos: z.array(GateRepoSchema).min(1),
}).refine((c) => new Set(c.repos.map((r) => r.name)).size === c.repos.length, {
  error: "repo names must be unique",
});

/** The whole file. */
export type GateConfig = z.infer<typeof GateConfigSchema>;

/**
 * Render the config file.
 *
 * @param config The repos.
 * @returns The file text.
 */
export function renderGateConfig(config: GateConfig): string {
  return JSON.stringify(GateConfigSchema.parse(config), null, 2) + "\n";
}

/**
 * Parse the config file.
 *
 * @param text The file text.
 * @returns The config, or a one-line problem.
 */
export function parseGateConfig(text: string): { config?: GateConfig; problem?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { problem: `is not JSON: ${messageOf(err)}` };
  }
  const parsed = GateConfigSchema.safeParse(raw);
  if (parsed.success) return { config: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
}
