/** Test data for the pure parts: proposals and states without a home on disk. */
import type { Proposal } from "../../core/queue/mod.ts";
import type { PendingProposal, PendingScan } from "../supervise/mod.ts";
import type { KeyName } from "./parse_keys.ts";
import type { TuiEvent, TuiState } from "./types.ts";
import { initialState, updateState } from "./update_state.ts";

/** The clock the fixtures use. */
export const NOW = Date.parse("2025-01-01T00:10:00.000Z");

/** A pending proposal with an id derived from `n` (`0000000n-…`). */
export function pending(n: number, fields: Partial<Proposal> = {}): PendingProposal {
  return {
    queueDir: "/q",
    proposal: {
      id: `${String(n).padStart(8, "0")}-aaaa-bbbb`,
      bottle_slug: "dev-1",
      tool: "egress-allow",
      proposed_file: "routes: []\n",
      justification: `reason ${n}\nmore`,
      arrival_timestamp: "2025-01-01T00:08:00.000Z",
      current_file_hash: "",
      ...fields,
    },
  };
}

/** A listing event. */
export function listed(items: PendingProposal[], now = NOW): TuiEvent {
  const scan: PendingScan = { pending: items, problems: [] };
  return { type: "listed", scan, now };
}

/** Apply events in order, collecting every effect. */
export function run(
  state: TuiState,
  ...events: TuiEvent[]
): { state: TuiState; effects: unknown[] } {
  const effects: unknown[] = [];
  for (const event of events) {
    const update = updateState(state, event);
    state = update.state;
    effects.push(...update.effects);
  }
  return { state, effects };
}

/** A state listing `items` on an 80×12 screen. */
export function listing(items: PendingProposal[]): TuiState {
  return run(initialState({ columns: 80, rows: 12 }, NOW), listed(items)).state;
}

const NAMED: readonly KeyName[] = [
  "up",
  "down",
  "pageup",
  "pagedown",
  "enter",
  "escape",
  "backspace",
  "ctrl-c",
  "ctrl-u",
];

/** Key events: a named key (`"enter"`), or each character of any other string. */
export function keys(...names: string[]): TuiEvent[] {
  return names.flatMap((name): TuiEvent[] => {
    const named = NAMED.find((key) => key === name);
    if (named !== undefined) return [{ type: "key", key: { name: named } }];
    return Array.from(name).map((char): TuiEvent => ({ type: "key", key: { char } }));
  });
}

/** Strip SGR sequences from rendered rows. */
export function plain(rows: string[]): string[] {
  // Escape sequences are exactly what this pattern is about.
  // deno-lint-ignore no-control-regex
  return rows.map((row) => row.replace(/\x1b\[[0-9;]*m/g, ""));
}
