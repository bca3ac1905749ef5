/**
 * The operator's full-screen approval surface (SPEC §4 `supervise`, §6.3): pending proposals across
 * bottles, polled every second, with a bell and a highlight when one arrives; a detail view with
 * the justification and the diff; `a` approve, `r` reject with a reason, `q` quit.
 *
 * The screen is a pure function of a state, and the keys are a pure state machine
 * ({@link updateState}); {@link runSuperviseTui} is the thin loop that draws with raw ANSI escapes
 * (alternate screen, hidden cursor, raw mode) and always restores the terminal.
 *
 * @module
 * @example
 * ```ts
 * import { initialState, renderScreen, updateState } from "./mod.ts";
 * const state = initialState({ columns: 80, rows: 10 }, Date.now());
 * const { state: next } = updateState(state, {
 *   type: "listed",
 *   scan: { pending: [], problems: [] },
 *   now: Date.now(),
 * });
 * console.assert(renderScreen(next).length === 10);
 * ```
 */
export { type Key, type KeyName, parseKeys } from "./parse_keys.ts";
export { renderScreen } from "./render_screen.ts";
export { runSuperviseTui, type SuperviseTuiOptions } from "./run_supervise_tui.ts";
export { denoTerminal, ENTER_SCREEN, LEAVE_SCREEN, type Terminal } from "./terminal.ts";
export type { Prompt, Size, TuiEffect, TuiEvent, TuiState } from "./types.ts";
export { initialState, short, type Update, updateState } from "./update_state.ts";
