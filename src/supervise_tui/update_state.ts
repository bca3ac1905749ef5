/**
 * The UI as a pure state machine: `(state, event) → (state, effects)`. Everything the operator can
 * do is decided here, so it is tested without a terminal; the runner only performs the effects.
 */
import type { Proposal } from "../../core/queue/mod.ts";
import { detailLines } from "./detail_lines.ts";
import type { Key } from "./parse_keys.ts";
import type { Size, TuiEffect, TuiEvent, TuiState } from "./types.ts";

/** What one event did. */
export interface Update {
  /** The next state. */
  state: TuiState;
  /** Work for the runner, in order. */
  effects: TuiEffect[];
}

/** Tools whose approval needs a reason (SPEC §6.3); `approveProposal` enforces the same list. */
const REASON_TO_APPROVE: readonly Proposal["tool"][] = ["gitleaks-allow", "egress-token-allow"];

/** Rows not available to the list or the detail body: title, status and footer. */
const CHROME_ROWS = 3;

/**
 * The state before the first listing.
 *
 * @param size The terminal size.
 * @param now The clock, in epoch milliseconds.
 * @returns An empty list view.
 */
export function initialState(size: Size, now: number): TuiState {
  return {
    items: [],
    known: new Set(),
    fresh: new Set(),
    loaded: false,
    view: "list",
    scroll: 0,
    busy: false,
    skipped: 0,
    now,
    size,
  };
}

/**
 * Apply one event.
 *
 * @param state The current state.
 * @param event What happened.
 * @returns The next state and the effects to perform.
 */
export function updateState(state: TuiState, event: TuiEvent): Update {
  switch (event.type) {
    case "key":
      return onKey(state, event.key);
    case "listed":
      return onListed(state, event);
    case "listFailed":
      return done({ ...state, status: { text: event.message, error: true } });
    case "described":
      return done(
        state.view === "detail" && state.selectedId === event.detail.proposal.id
          ? { ...state, detail: event.detail }
          : state,
      );
    case "describeFailed":
      return done({ ...state, view: "list", status: { text: event.message, error: true } });
    case "decided":
      return done({
        ...state,
        busy: false,
        view: "list",
        detail: undefined,
        status: { text: event.message, error: false },
        ...withItems(state, state.items.filter((item) => item.proposal.id !== event.id)),
      });
    case "decideFailed":
      return done({ ...state, busy: false, status: { text: event.message, error: true } });
    case "resize":
      return done({ ...state, size: event.size });
  }
}

function onListed(state: TuiState, event: Extract<TuiEvent, { type: "listed" }>): Update {
  const ids = event.scan.pending.map((item) => item.proposal.id);
  const arrived = state.loaded ? ids.filter((id) => !state.known.has(id)) : [];
  const fresh = new Set([...state.fresh, ...arrived].filter((id) => ids.includes(id)));
  let next: TuiState = {
    ...state,
    loaded: true,
    now: event.now,
    skipped: event.scan.problems.length,
    known: new Set([...state.known, ...ids]),
    fresh,
    ...withItems(state, event.scan.pending),
  };
  if (state.view === "detail" && next.selectedId !== state.selectedId) {
    next = {
      ...next,
      view: "list",
      detail: undefined,
      status: { text: `proposal ${short(state.selectedId)} is no longer pending`, error: false },
    };
  }
  return { state: next, effects: arrived.length > 0 ? [{ type: "bell" }] : [] };
}

/**
 * Replace the items, keeping the selection on the same proposal. When that proposal vanishes the
 * selection is cleared, never moved to a neighbour: an `a` pressed a moment later must not land
 * on a proposal (perhaps another bottle's) the operator did not choose. Only the first listing
 * selects for the operator.
 */
function withItems(state: TuiState, items: TuiState["items"]): Partial<TuiState> {
  if (items.some((item) => item.proposal.id === state.selectedId)) {
    return { items, selectedId: state.selectedId };
  }
  return { items, selectedId: state.loaded ? undefined : items[0]?.proposal.id };
}

function onKey(state: TuiState, key: Key): Update {
  if ("name" in key && key.name === "ctrl-c") return { state, effects: [{ type: "quit" }] };
  if (state.prompt !== undefined) return onPromptKey(state, key);
  const action = "char" in key ? key.char : key.name;
  if (action === "q") return { state, effects: [{ type: "quit" }] };
  if (action === "a") return approve(state);
  if (action === "r") return startReject(state);
  if (action === "m") {
    return done({
      ...state,
      status: {
        text: "to modify: edit the file, then bot-bottle supervise approve <id> --file FILE",
        error: true,
      },
    });
  }
  return state.view === "list" ? onListKey(state, action) : onDetailKey(state, action);
}

function onListKey(state: TuiState, action: string): Update {
  const index = state.items.findIndex((item) => item.proposal.id === state.selectedId);
  const page = Math.max(1, state.size.rows - CHROME_ROWS);
  const moves: Record<string, number> = {
    up: index - 1,
    k: index - 1,
    down: index + 1,
    j: index + 1,
    pageup: index - page,
    pagedown: index + page,
    home: 0,
    g: 0,
    end: state.items.length - 1,
    G: state.items.length - 1,
  };
  const target = moves[action];
  if (target !== undefined) {
    const clamped = Math.min(Math.max(target, 0), state.items.length - 1);
    return done({ ...state, selectedId: state.items[clamped]?.proposal.id ?? state.selectedId });
  }
  if (action === "enter" && state.selectedId !== undefined) {
    const fresh = new Set(state.fresh);
    fresh.delete(state.selectedId);
    return {
      state: { ...state, view: "detail", detail: undefined, scroll: 0, fresh, status: undefined },
      effects: [{ type: "describe", id: state.selectedId }],
    };
  }
  return done(state);
}

function onDetailKey(state: TuiState, action: string): Update {
  if (["escape", "backspace", "left", "h"].includes(action)) {
    return done({ ...state, view: "list", detail: undefined });
  }
  const body = state.detail === undefined ? 0 : detailLines(state.detail, state).length;
  const page = Math.max(1, state.size.rows - CHROME_ROWS);
  const last = Math.max(0, body - page);
  const moves: Record<string, number> = {
    up: state.scroll - 1,
    k: state.scroll - 1,
    down: state.scroll + 1,
    j: state.scroll + 1,
    pageup: state.scroll - page,
    pagedown: state.scroll + page,
    " ": state.scroll + page,
    home: 0,
    g: 0,
    end: last,
    G: last,
  };
  const target = moves[action];
  if (target === undefined) return done(state);
  return done({ ...state, scroll: Math.min(Math.max(target, 0), last) });
}

function approve(state: TuiState): Update {
  const item = selected(state);
  if (item === undefined) return done(state);
  if (state.busy) return done({ ...state, status: { text: "still working…", error: false } });
  const { id, tool } = item.proposal;
  if (REASON_TO_APPROVE.includes(tool)) {
    return done({ ...state, prompt: { kind: "approve", id, text: "" }, status: undefined });
  }
  return {
    state: { ...state, busy: true, status: { text: `approving ${short(id)}…`, error: false } },
    effects: [{ type: "approve", id }],
  };
}

function startReject(state: TuiState): Update {
  const item = selected(state);
  if (item === undefined) return done(state);
  if (state.busy) return done({ ...state, status: { text: "still working…", error: false } });
  return done({
    ...state,
    prompt: { kind: "reject", id: item.proposal.id, text: "" },
    status: undefined,
  });
}

function onPromptKey(state: TuiState, key: Key): Update {
  const prompt = state.prompt;
  if (prompt === undefined) return done(state);
  if ("char" in key) return done({ ...state, prompt: { ...prompt, text: prompt.text + key.char } });
  switch (key.name) {
    case "escape":
      return done({ ...state, prompt: undefined, status: { text: "cancelled", error: false } });
    case "backspace":
      return done({
        ...state,
        prompt: { ...prompt, text: Array.from(prompt.text).slice(0, -1).join("") },
      });
    case "ctrl-u":
      return done({ ...state, prompt: { ...prompt, text: "" } });
    case "enter":
      break;
    default:
      return done(state);
  }
  const reason = prompt.text.trim();
  if (reason === "") {
    return done({
      ...state,
      status: { text: `a reason is required to ${prompt.kind}`, error: true },
    });
  }
  const verb = prompt.kind === "approve" ? "approving" : "rejecting";
  return {
    state: {
      ...state,
      prompt: undefined,
      busy: true,
      status: { text: `${verb} ${short(prompt.id)}…`, error: false },
    },
    effects: [{ type: prompt.kind, id: prompt.id, reason }],
  };
}

function selected(state: TuiState) {
  return state.items.find((item) => item.proposal.id === state.selectedId);
}

/**
 * The short form of an id shown on screen.
 *
 * @param id A proposal id.
 * @returns Its first 8 characters.
 */
export function short(id: string | undefined): string {
  return (id ?? "").slice(0, 8);
}

function done(state: TuiState): Update {
  return { state, effects: [] };
}
