/**
 * The check after start that the machine's egress allowlist is really applied (SPEC §5): smolvm
 * 0.8.0 silently dropped `--allow-cidr` combined with `--from`, which left a machine with
 * networking and no allowlist. The machine's own record is read back (`smolvm machine status
 * --name <m> --json`: the object `machine ls --json` lists, smol-machines/smolvm
 * `src/cli/vm_common.rs` `machine_status_json`, with `network` and the record's
 * `allowed_cidrs`) and must show networking restricted to exactly the bottle's alias. A record
 * that does not say, or says anything wider, refuses the launch.
 */
import { ConfigError } from "../../core/errors/mod.ts";

/**
 * Refuse a machine whose reported egress is not exactly `<alias>/32`.
 *
 * @param machine The machine's name (for the message).
 * @param statusJson What `smolvm machine status --json` printed.
 * @param alias The bottle's loopback alias.
 * @throws {ConfigError} Naming what smolvm reported instead.
 */
export function assertAllowlist(machine: string, statusJson: string, alias: string): void {
  const want = `${alias}/32`;
  const record = parse(statusJson);
  const cidrs = record?.["allowed_cidrs"];
  const found = Array.isArray(cidrs) && cidrs.every((c) => typeof c === "string")
    ? cidrs as string[]
    : undefined;
  if (record?.["network"] === true && found?.length === 1 && found[0] === want) return;
  const said = found === undefined ? "no allowlist" : `allowlist [${found.join(", ")}]`;
  throw new ConfigError(
    `Refusing to start machine ${machine}: its egress must be limited to ${want}, but smolvm ` +
      `reports network=${JSON.stringify(record?.["network"] ?? null)} with ${said}. ` +
      "The agent could reach more than its sidecar; nothing was run in it",
  );
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}
