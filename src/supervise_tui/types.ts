/** The UI's state, the events that change it and the effects it asks the runner to perform. */
import type { PendingProposal, PendingScan, ProposalDetail } from "../supervise/mod.ts";
import type { Key } from "./parse_keys.ts";

/** Terminal size in character cells. */
export interface Size {
  /** Columns. */
  columns: number;
  /** Rows. */
  rows: number;
}

/** A line typed at the bottom of the screen: the reason for a decision. */
export interface Prompt {
  /** Which decision the reason is for. */
  kind: "approve" | "reject";
  /** The proposal's id. */
  id: string;
  /** What was typed so far. */
  text: string;
}

/** Everything the screen shows; replaced, never mutated. */
export interface TuiState {
  /** Pending proposals, oldest first. */
  readonly items: readonly PendingProposal[];
  /** Every id listed so far (to tell new arrivals). */
  readonly known: ReadonlySet<string>;
  /** Ids that arrived while the UI was open and were not opened yet (highlighted). */
  readonly fresh: ReadonlySet<string>;
  /** Whether the first listing arrived. */
  readonly loaded: boolean;
  /** The selected proposal. */
  readonly selectedId?: string | undefined;
  /** List or detail view. */
  readonly view: "list" | "detail";
  /** The selected proposal's detail, once described (detail view). */
  readonly detail?: ProposalDetail | undefined;
  /** First body line shown in the detail view. */
  readonly scroll: number;
  /** The reason being typed, if any. */
  readonly prompt?: Prompt | undefined;
  /** The status line. */
  readonly status?: { text: string; error: boolean } | undefined;
  /** Whether a decision is being applied. */
  readonly busy: boolean;
  /** Proposal files that could not be listed. */
  readonly skipped: number;
  /** The clock, in epoch milliseconds (ages are computed from it). */
  readonly now: number;
  /** The terminal size. */
  readonly size: Size;
}

/** Something that happened: a key, a finished poll or action, a resize. */
export type TuiEvent =
  | { type: "key"; key: Key }
  | { type: "listed"; scan: PendingScan; now: number }
  | { type: "listFailed"; message: string }
  | { type: "described"; detail: ProposalDetail }
  | { type: "describeFailed"; id: string; message: string }
  | { type: "decided"; id: string; message: string }
  | { type: "decideFailed"; id: string; message: string }
  | { type: "resize"; size: Size };

/** Work the runner does for the state machine. */
export type TuiEffect =
  | { type: "describe"; id: string }
  | { type: "approve"; id: string; reason?: string }
  | { type: "reject"; id: string; reason: string }
  | { type: "bell" }
  | { type: "quit" };
