/** The body of the detail view: the proposal's fields, its justification and the diff. */
import type { ProposalDetail } from "../supervise/mod.ts";
import { formatAge, type Row, safeText, type Style, wrap } from "./_text.ts";
import type { TuiState } from "./types.ts";

/**
 * The detail view's body rows, wrapped to the terminal width.
 *
 * @param detail The described proposal.
 * @param view The clock and the terminal size.
 * @returns The rows, top to bottom.
 */
export function detailLines(
  detail: ProposalDetail,
  view: Pick<TuiState, "now" | "size">,
): Row[] {
  const { proposal } = detail;
  const age = formatAge(view.now - Date.parse(proposal.arrival_timestamp));
  const rows: Array<[string, Style]> = [
    [`id             ${proposal.id}`, "plain"],
    [`bottle         ${proposal.bottle_slug}`, "plain"],
    [`tool           ${proposal.tool}`, "bold"],
    [`arrived        ${proposal.arrival_timestamp} (${age} ago)`, "plain"],
    ["", "plain"],
    ["Justification:", "bold"],
    ...lines(proposal.justification).map((line): [string, Style] => [`  ${line}`, "plain"]),
    ["", "plain"],
  ];
  if (detail.staleWarning !== undefined) rows.push([`warning: ${detail.staleWarning}`, "yellow"]);
  if (detail.diff !== undefined) {
    rows.push(["Diff against the live routes file:", "bold"]);
    if (detail.diff === "") rows.push(["(no change to the live routes file)", "dim"]);
    for (const line of lines(detail.diff)) rows.push([line, diffStyle(line)]);
  } else {
    rows.push(["Proposed file:", "bold"]);
    for (const line of lines(proposal.proposed_file)) rows.push([line, "plain"]);
  }
  return rows.flatMap(([text, style]) =>
    wrap(safeText(text), view.size.columns).map((part) => ({ text: part, style }))
  );
}

function lines(text: string): string[] {
  const trimmed = text.endsWith("\n") ? text.slice(0, -1) : text;
  return trimmed === "" ? [] : trimmed.split("\n");
}

function diffStyle(line: string): Style {
  if (line.startsWith("+++") || line.startsWith("---")) return "bold";
  if (line.startsWith("+")) return "green";
  if (line.startsWith("-")) return "red";
  if (line.startsWith("@@")) return "cyan";
  return "plain";
}
