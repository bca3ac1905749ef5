/**
 * Connection-scoped ("hop-by-hop") header handling for a proxy (RFC 9110 §7.6.1).
 *
 * @module
 */
import type { HeaderList } from "./header_list.ts";
import { listTokens } from "./_syntax.ts";
import type { Framing, HttpVersion } from "./types.ts";

/** Fields that only ever describe one connection, whatever `Connection` says. */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** No field named in `Connection` (a message without one). */
const NONE: ReadonlySet<string> = new Set();

/** Options of {@link stripHopByHop}. */
export interface StripOptions {
  /**
   * Keep `Upgrade` (and a `Connection: upgrade` pointing at it) when the message asked for an
   * upgrade, so a WebSocket handshake can be forwarded.
   */
  keepUpgrade?: boolean;
}

/**
 * Copy `headers` without the hop-by-hop fields: the fixed set above plus every field named in
 * `Connection`. Content-Length is kept; the writer rewrites framing fields anyway.
 *
 * @param headers The fields received from one hop.
 * @param options Whether to keep an upgrade request intact.
 * @returns A new list; the input is not changed.
 */
export function stripHopByHop(headers: HeaderList, options: StripOptions = {}): HeaderList {
  const connection = headers.getAll("connection");
  const named = connection.length === 0 ? NONE : new Set(listTokens(connection.join(",")));
  const upgrade = options.keepUpgrade === true && named.has("upgrade") && headers.has("upgrade");
  const out = headers.filter((key) =>
    (upgrade && key === "upgrade") || (!HOP_BY_HOP.has(key) && !named.has(key))
  );
  if (upgrade) out.append("Connection", "upgrade");
  return out;
}

/** The parts of a head that decide connection persistence. */
export interface PersistenceInfo {
  /** Protocol version of the message. */
  version: HttpVersion;
  /** Its header fields. */
  headers: HeaderList;
  /** Body framing when known; a close-delimited body always ends the connection. */
  framing?: Framing;
}

/**
 * Whether the connection may carry another message after this one (RFC 9112 §9.3): HTTP/1.1
 * unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`; never after a
 * close-delimited body.
 *
 * @param head A request or response head (parsed heads carry their framing).
 * @returns True when the connection can be reused.
 */
export function keepAlive(head: PersistenceInfo): boolean {
  if (head.framing?.kind === "close") return false;
  const tokens = listTokens(head.headers.getAll("connection").join(","));
  if (tokens.includes("close")) return false;
  return head.version === "HTTP/1.1" || tokens.includes("keep-alive");
}
