/**
 * The terminal around an attached agent names its bottle (SPEC §5): the window title says
 * `bot-bottle: <label>` (OSC 0) and, with `--color`, the background takes a dark tint of that
 * colour (OSC 11), so a glance tells which sandbox a terminal is typing into. Both are undone when
 * the agent exits (OSC 111 restores the terminal's own background).
 */
import type { BottleMetadata } from "./state.ts";

/** What to write to the terminal before the agent starts and after it exits. */
export interface TerminalTint {
  /** Title, and tint when there is a colour. */
  enter: string;
  /** Resets both. */
  leave: string;
}

/** Dark backgrounds, one per `--color`: tinted enough to notice, dark enough to read on. */
const TINTS: Readonly<Record<NonNullable<BottleMetadata["color"]>, string>> = Object.freeze({
  red: "#2b0f0f",
  green: "#0f2410",
  yellow: "#29250c",
  blue: "#0e1630",
  magenta: "#270f29",
  cyan: "#0c2427",
  white: "#262626",
  gray: "#1a1a1a",
});

const OSC = "\x1b]";
const ST = "\x1b\\";

/**
 * The escape sequences naming a bottle in the terminal.
 *
 * @param label The bottle's label (slug characters only, so safe to echo).
 * @param color Its `--color`, if any.
 * @returns What to write before and after the agent.
 */
export function terminalTint(label: string, color?: BottleMetadata["color"]): TerminalTint {
  const tint = color === undefined ? "" : `${OSC}11;${TINTS[color]}${ST}`;
  return {
    enter: `${OSC}0;bot-bottle: ${label}${ST}${tint}`,
    leave: `${color === undefined ? "" : `${OSC}111${ST}`}${OSC}0;${ST}`,
  };
}
