/**
 * Turns a request head read off the wire into the policy's `EgressRequest`: where it goes (host,
 * port, scheme), what it asks for (path, query) and through which tunnel it came.
 */
import type { HeaderList, RequestHead } from "../http1/mod.ts";
import type { EgressRequest } from "./policy/mod.ts";

/** The CONNECT tunnel a request arrived through, after TLS termination. */
export interface Tunnel {
  /** `host:port` from the CONNECT line. */
  authority: string;
  /** Host part of the authority, lowercased. */
  host: string;
  /** Port part of the authority. */
  port: number;
  /** SNI the client sent, if any. */
  sni: string | undefined;
}

/** A request head that cannot be routed; answered with 400. */
export class BadTargetError extends TypeError {
  /** @param message What is wrong with the request target. */
  constructor(message: string) {
    super(message);
    this.name = "BadTargetError";
  }
}

/**
 * Build the policy view of one request.
 *
 * @param head The request head (its headers are shared, so policy rewrites apply to it).
 * @param tunnel The tunnel it came through, or undefined for plain-HTTP proxying.
 * @returns The request.
 * @throws {BadTargetError} For targets a forward proxy cannot route.
 */
export function toEgressRequest(head: RequestHead, tunnel: Tunnel | undefined): EgressRequest {
  if (tunnel !== undefined) {
    if (!head.target.startsWith("/")) {
      throw new BadTargetError(`request target "${head.target}" inside a tunnel must start with /`);
    }
    const hostHeader = singleHost(head.headers);
    const host = hostHeader === undefined ? tunnel.host : splitHostPort(hostHeader, 443).host;
    return build(head, {
      scheme: "https",
      host,
      port: tunnel.port,
      pathAndQuery: head.target,
      connectAuthority: tunnel.authority,
      sni: tunnel.sni,
    });
  }
  let url: URL;
  try {
    url = new URL(head.target);
  } catch {
    throw new BadTargetError(
      `request target "${head.target}" is not an absolute http:// URL (configure this proxy as HTTP_PROXY)`,
    );
  }
  if (url.protocol !== "http:" || url.username !== "" || url.password !== "") {
    throw new BadTargetError(`request target "${head.target}" must be a plain http:// URL`);
  }
  const port = url.port === "" ? 80 : Number(url.port);
  return build(head, {
    scheme: "http",
    host: url.hostname.replace(/^\[|\]$/g, "").toLowerCase(),
    port,
    pathAndQuery: `${url.pathname}${url.search}`,
    connectAuthority: undefined,
    sni: undefined,
  });
}

/** Longest method accepted: every registered method fits with room to spare. */
export const MAX_METHOD_LENGTH = 24;

function build(
  head: RequestHead,
  where: {
    scheme: "http" | "https";
    host: string;
    port: number;
    pathAndQuery: string;
    connectAuthority: string | undefined;
    sni: string | undefined;
  },
): EgressRequest {
  if (head.method.length > MAX_METHOD_LENGTH) {
    throw new BadTargetError(
      `request method of ${head.method.length} characters refused (at most ${MAX_METHOD_LENGTH})`,
    );
  }
  if (head.target.includes("#")) {
    // Never valid on the wire (RFC 9112 §3.2): origins differ on what they do with it, so the
    // path a route matched might not be the path served.
    throw new BadTargetError("request targets must not contain a fragment (#)");
  }
  const q = where.pathAndQuery.indexOf("?");
  return {
    scheme: where.scheme,
    connectAuthority: where.connectAuthority,
    sni: where.sni,
    method: head.method,
    target: head.target,
    host: where.host,
    port: where.port,
    path: q < 0 ? where.pathAndQuery : where.pathAndQuery.slice(0, q),
    query: q < 0 ? "" : where.pathAndQuery.slice(q + 1),
    headers: head.headers,
  };
}

function singleHost(headers: HeaderList): string | undefined {
  const all = headers.getAll("host");
  if (all.length > 1) throw new BadTargetError("request has more than one Host header");
  return all[0];
}

/**
 * Split `host[:port]` (IPv6 in brackets) with a default port.
 *
 * @param authority The authority text.
 * @param defaultPort Port when none is given.
 * @returns Lowercased host and port.
 * @throws {BadTargetError} When the port is not a number in range.
 */
export function splitHostPort(
  authority: string,
  defaultPort: number,
): { host: string; port: number } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(authority);
  const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
  if (match === null || match[1] === "" || port < 1 || port > 65_535) {
    throw new BadTargetError(`"${authority}" is not a valid host[:port]`);
  }
  return { host: match[1]!.replace(/^\[|\]$/g, "").toLowerCase(), port };
}
