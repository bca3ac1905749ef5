/** The whole screen as text rows: a pure function of the state, so it is tested without a TTY. */
import type { PendingProposal } from "../supervise/mod.ts";
import { fit, formatAge, paintRow, type Row, safeText, wrap } from "./_text.ts";
import { detailLines } from "./detail_lines.ts";
import type { TuiState } from "./types.ts";
import { short } from "./update_state.ts";

const LIST_HELP = "↑↓/jk move  Enter details  a approve  r reject  m modify  q quit";
const DETAIL_HELP = "↑↓/jk scroll  Esc back  a approve  r reject  m modify  q quit";

/**
 * Render the screen.
 *
 * @param state The state.
 * @returns Exactly `state.size.rows` rows, each at most `state.size.columns` cells wide, with SGR
 *   styling.
 */
export function renderScreen(state: TuiState): string[] {
  const { columns, rows } = state.size;
  if (rows < 4 || columns < 20) {
    return [fit("terminal too small", columns), ...Array<string>(Math.max(0, rows - 1)).fill("")];
  }
  const status = statusRows(state);
  const height = rows - 2 - status.length;
  const body = state.view === "list" ? listRows(state, height) : detailRows(state, height);
  const screen: Row[] = [
    { text: title(state), style: "reverse" },
    ...body,
    ...Array.from({ length: height - body.length }, (): Row => ({ text: "", style: "plain" })),
    ...status,
    footer(state),
  ];
  return screen.map((row) => paintRow(row, columns));
}

/** The status line; a long message (an apply error) wraps onto up to three rows. */
function statusRows(state: TuiState): Row[] {
  if (state.status === undefined) return [{ text: "", style: "plain" }];
  const style = state.status.error ? "red" : "bold";
  const limit = Math.max(1, Math.min(3, state.size.rows - 4));
  return wrap(safeText(state.status.text), state.size.columns).slice(0, limit)
    .map((text): Row => ({ text, style }));
}

function title(state: TuiState): string {
  const count = state.loaded ? `${state.items.length} pending` : "loading…";
  const skipped = state.skipped > 0 ? `, ${state.skipped} unreadable skipped` : "";
  const where = state.view === "detail" ? ` — proposal ${short(state.selectedId)}` : "";
  return ` bot-bottle supervise — ${count}${skipped}${where}`;
}

function footer(state: TuiState): Row {
  const prompt = state.prompt;
  if (prompt === undefined) {
    return { text: state.view === "list" ? LIST_HELP : DETAIL_HELP, style: "dim" };
  }
  const label = `Reason to ${prompt.kind} ${
    short(prompt.id)
  } (Enter ${prompt.kind}s, Esc cancels): `;
  // Keep the end of a long reason visible, where the operator is typing.
  const room = Math.max(1, state.size.columns - Array.from(label).length - 1);
  const typed = Array.from(safeText(prompt.text)).slice(-room).join("");
  return { text: `${label}${typed}█`, style: "bold" };
}

function listRows(state: TuiState, height: number): Row[] {
  if (!state.loaded) return [{ text: "Loading…", style: "dim" }];
  if (state.items.length === 0) {
    return [{ text: "No pending proposals. Waiting for agents to ask…", style: "dim" }];
  }
  const index = Math.max(0, state.items.findIndex((i) => i.proposal.id === state.selectedId));
  const first = Math.min(Math.max(0, index - height + 1), Math.max(0, state.items.length - height));
  return state.items.slice(first, first + height).map((item) => listRow(state, item));
}

function listRow(state: TuiState, item: PendingProposal): Row {
  const { proposal } = item;
  const isNew = state.fresh.has(proposal.id);
  const justification = proposal.justification.trim().split("\n")[0] ?? "";
  const text = [
    isNew ? "NEW" : "   ",
    short(proposal.id),
    proposal.bottle_slug.padEnd(14),
    proposal.tool.padEnd(18),
    formatAge(state.now - Date.parse(proposal.arrival_timestamp)).padStart(4),
    justification,
  ].join("  ");
  const style = proposal.id === state.selectedId ? "reverse" : isNew ? "yellow" : "plain";
  return { text: safeText(text), style };
}

function detailRows(state: TuiState, height: number): Row[] {
  if (state.detail === undefined) return [{ text: "Loading…", style: "dim" }];
  const rows = detailLines(state.detail, state);
  const first = Math.min(state.scroll, Math.max(0, rows.length - height));
  return rows.slice(first, first + height);
}
