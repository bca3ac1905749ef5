/**
 * Structure-aware mutation of git's pkt-line streams (smart-HTTP request bodies): the body is
 * split into pkt-lines (and the pack data after them), and lengths are made to lie, lines are
 * dropped, repeated, stretched to the maximum or filled with nulls, object ids and commands are
 * garbled, and the pack header is broken.
 */
import { below, pick, type Random } from "./_random.ts";
import { fromLatin1, latin1 } from "./_seeds.ts";

/** A body taken apart: pkt-lines as `[length prefix, payload]`, then whatever followed. */
interface Lines {
  lines: [string, string][];
  tail: string;
}

function parse(body: string): Lines {
  const lines: [string, string][] = [];
  let at = 0;
  while (at + 4 <= body.length) {
    const prefix = body.slice(at, at + 4);
    if (!/^[0-9a-f]{4}$/.test(prefix)) break;
    const length = parseInt(prefix, 16);
    const size = length < 4 ? 0 : length - 4;
    lines.push([prefix, body.slice(at + 4, at + 4 + size)]);
    at += 4 + size;
  }
  return { lines, tail: body.slice(at) };
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

/** A line whose prefix is right for its payload. */
function line(payload: string): [string, string] {
  return [hex4(payload.length + 4), payload];
}

const OIDS = ["0".repeat(40), "f".repeat(40), "zz".repeat(20), "a".repeat(39), "a".repeat(64), ""];

/** One change to a pkt-line stream. */
type PktMutation = (l: Lines, r: Random) => void;

const MUTATIONS: readonly PktMutation[] = [
  // A length prefix that lies (or is one of the special ones, or not hex).
  (l, r) => {
    const target = l.lines[below(r, l.lines.length)];
    if (target) {
      target[0] = pick([
        "ffff",
        "fff0",
        "0000",
        "0001",
        "0002",
        "0003",
        "0004",
        "zzzz",
        "FFFF",
        "000",
        hex4(target[1].length + 5),
        hex4(Math.max(0, target[1].length + 3)),
      ], r);
    }
  },
  (l, r) => void l.lines.splice(below(r, l.lines.length), 1),
  (l, r) => {
    const i = below(r, l.lines.length);
    const target = l.lines[i];
    if (target) {
      l.lines.splice(
        i,
        0,
        ...Array.from(
          { length: 1 + below(r, r() < 0.1 ? 5_000 : 5) },
          () => [...target] as [string, string],
        ),
      );
    }
  },
  // The longest payload a pkt-line may carry, or past it.
  (l, r) =>
    l.lines.splice(
      below(r, l.lines.length + 1),
      0,
      line("x".repeat(pick([65516, 65517, 70000], r))),
    ),
  (l, r) => {
    const target = l.lines[below(r, l.lines.length)];
    if (target) target[1] = `${target[1]}\0\0${pick(["", "\n", "capability", "\xff"], r)}`;
  },
  // An object id or a command garbled.
  (l, r) => {
    const target = l.lines[below(r, l.lines.length)];
    if (target) {
      const payload = target[1].replace(/[0-9a-f]{40}/, pick(OIDS, r)).replace(
        /command=[a-z-]+/,
        `command=${pick(["bundle-uri", "object-info", "x", ""], r)}`,
      );
      Object.assign(target, line(payload));
    }
  },
  (l, r) =>
    l.lines.splice(
      below(r, l.lines.length + 1),
      0,
      line(
        pick([
          `want ${pick(OIDS, r)}\n`,
          "deepen 2147483648\n",
          "filter blob:none\n",
          "shallow ffff\n",
          `${"0".repeat(40)} ${"1".repeat(40)} refs/heads/../../x\0report-status\n`,
          "command=ls-refs\n",
          "done\n",
        ], r),
      ),
    ),
  // The pack header: a bad version, a huge object count, cut short.
  (l, r) => {
    if (!l.tail.startsWith("PACK")) {
      l.tail = `PACK\0\0\0\x02${pick(["\xff\xff\xff\xff", "\0\0\0\x01", "\0\0\0\0"], r)}`;
      return;
    }
    const roll = r();
    if (roll < 0.33) l.tail = `PACK\0\0\0${pick(["\x01", "\x04", "\xff"], r)}${l.tail.slice(8)}`;
    else if (roll < 0.66) l.tail = `${l.tail.slice(0, 8)}\x7f\xff\xff\xff${l.tail.slice(12)}`;
    else l.tail = l.tail.slice(0, below(r, l.tail.length));
  },
];

/**
 * Mutate a pkt-line body's structure.
 *
 * @param body The body bytes.
 * @param r The case's stream.
 * @returns The mutated body.
 */
export function mutatePktLines(body: Uint8Array, r: Random): Uint8Array {
  const parts = parse(fromLatin1(body));
  const count = 1 + below(r, 3);
  for (let m = 0; m < count; m++) pick(MUTATIONS, r)(parts, r);
  return latin1(
    `${parts.lines.map(([prefix, payload]) => prefix + payload).join("")}${parts.tail}`,
  );
}
