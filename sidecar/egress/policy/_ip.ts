/**
 * Strict IP literal parsing. Only canonical dotted-quad IPv4 is accepted: forms such as `0x7f.1`
 * or `010.0.0.1` are not literals here, so they go to the resolver and its answer is checked.
 */
import { isIPv6 } from "node:net";

/** A parsed address: four octets or eight 16-bit groups. */
export type ParsedIp =
  | { family: 4; octets: readonly number[] }
  | { family: 6; hextets: readonly number[] };

const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Parses a canonical dotted-quad IPv4 address: four decimal octets of 0–255, without leading
 * zeros. One pass over the characters: each request's host (and the address it resolves to)
 * goes through here.
 */
export function parseIPv4(text: string): number[] | undefined {
  const octets: number[] = [];
  let value = 0;
  let digits = 0;
  // The end of the text closes the last octet as a dot would.
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : DOT;
    if (c === DOT) {
      if (digits === 0 || value > 255 || octets.length === 4) return undefined;
      octets.push(value);
      value = 0;
      digits = 0;
      continue;
    }
    if (c < ZERO || c > NINE) return undefined;
    // A second digit after a leading 0 ("01") is not canonical; a fourth is too many.
    if ((digits > 0 && value === 0) || digits === 3) return undefined;
    digits++;
    value = value * 10 + (c - ZERO);
  }
  return octets.length === 4 ? octets : undefined;
}

/** Parses an IPv6 address (brackets and a zone id are allowed) into eight groups. */
export function parseIPv6(text: string): number[] | undefined {
  let body = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = body.indexOf("%");
  if (zone >= 0) body = body.slice(0, zone);
  // Every IPv6 literal has a colon; a host name is turned away here without the costly full
  // check (each request's host goes through this).
  if (!body.includes(":") || !isIPv6(body)) return undefined;
  const lastColon = body.lastIndexOf(":");
  const tail = body.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseIPv4(tail);
    if (v4 === undefined) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    body = `${body.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${
      ((c << 8) | d).toString(16)
    }`;
  }
  const halves = body.split("::");
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length > 1 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length > 1 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...Array<string>(fill).fill("0"), ...rest].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** Parses an IPv4 or IPv6 literal; anything else (including host names) gives nothing. */
export function parseIp(text: string): ParsedIp | undefined {
  const octets = parseIPv4(text);
  if (octets !== undefined) return { family: 4, octets };
  const hextets = parseIPv6(text);
  return hextets === undefined ? undefined : { family: 6, hextets };
}

/**
 * One spelling per address, so sets of addresses compare reliably: dotted quad for IPv4 and for
 * IPv4-mapped IPv6 (a dual-stack socket reaches the same host), uncompressed hex groups otherwise.
 */
export function canonicalAddress(text: string): string | undefined {
  const ip = parseIp(text);
  if (ip === undefined) return undefined;
  if (ip.family === 4) return ip.octets.join(".");
  const h = ip.hextets;
  if (h.slice(0, 5).every((g) => g === 0) && h[5] === 0xffff) {
    return embeddedV4(h[6] ?? 0, h[7] ?? 0).join(".");
  }
  return h.map((g) => g.toString(16)).join(":");
}

/** The IPv4 octets carried in two IPv6 groups. */
export function embeddedV4(high: number, low: number): number[] {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}
