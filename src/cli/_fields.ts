/**
 * The one output shape for human-readable command output (STYLE rule 15): a heading, a blank
 * line, then two-space-indented `key: value` fields with the values aligned.
 */
export type Field = readonly [key: string, value: string];

/**
 * Render a heading and its fields.
 *
 * @param heading The first line.
 * @param fields Key/value pairs; a multi-line value is indented under its key.
 * @returns The lines, ending with a newline.
 */
export function renderFields(heading: string, fields: readonly Field[]): string {
  const width = Math.max(0, ...fields.map(([key]) => key.length)) + 1;
  const lines = [heading, ""];
  for (const [key, value] of fields) {
    const [first = "", ...rest] = value.split("\n");
    lines.push(`  ${`${key}:`.padEnd(width)} ${first}`.trimEnd());
    for (const line of rest) lines.push(`  ${" ".repeat(width)} ${line}`.trimEnd());
  }
  return `${lines.join("\n")}\n`;
}
