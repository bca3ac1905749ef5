/**
 * Parsing of the places a request names its host. Values that do not look like a host are
 * rejected rather than echoed, because a header may carry anything, secrets included.
 */

/** A host (lowercase, IPv6 without brackets) and the port, when one was written. */
export interface Authority {
  /** Lowercase host name or IP literal. */
  host: string;
  /** Explicit port, when present. */
  port?: number;
}

const AUTHORITY = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9_.-]+))(?::(\d{1,5}))?$/i;

/** Parses `host`, `host:port`, `[v6]` or `[v6]:port`; nothing when malformed. */
export function parseAuthority(text: string): Authority | undefined {
  const m = AUTHORITY.exec(text);
  if (m === null) return undefined;
  const host = (m[1] ?? m[2] ?? "").toLowerCase();
  if (m[3] === undefined) return { host };
  const port = Number(m[3]);
  return port > 0 && port <= 65535 ? { host, port } : undefined;
}

/**
 * The authority of an absolute-form request-target (`http://user@h:8080/p` → `h:8080`), `null`
 * for origin-form and other non-absolute targets.
 */
export function targetAuthority(target: string): string | null {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(target);
  if (scheme === null) return null;
  const rest = target.slice(scheme[0].length);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  // Userinfo is dropped: it is not a host, and it may be a credential.
  return authority.slice(authority.lastIndexOf("@") + 1);
}

/** Lowercase host without IPv6 brackets, for comparing and indexing. */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.startsWith("[") && lower.endsWith("]") ? lower.slice(1, -1) : lower;
}
