/**
 * Reads a Markdown manifest: YAML frontmatter between `---` lines, then the body. Positions in
 * the frontmatter are reported in the real file's lines.
 */
import { ConfigError, ManifestError } from "../../core/errors/mod.ts";
import { parseStrictYaml, type StrictYaml } from "../../core/yaml_strict/mod.ts";

/** A manifest file, read and parsed (not yet validated). */
export interface ManifestFile {
  /** Path of the file. */
  path: string;
  /** The frontmatter. */
  doc: StrictYaml;
  /** The Markdown body, trimmed. */
  body: string;
}

/**
 * Read and parse one manifest file.
 *
 * @param path The file.
 * @param subject Start of every message, e.g. `Cannot load agent "dev"`.
 * @returns The parsed frontmatter and the body.
 * @throws {ConfigError} When the file cannot be read.
 * @throws {ManifestError} When the frontmatter is missing, unclosed or invalid YAML.
 */
export async function readManifestFile(path: string, subject: string): Promise<ManifestFile> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new ConfigError(`${subject}: cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseManifestText(text, path, subject);
}

/**
 * Split and parse manifest text.
 *
 * @param text The file's text.
 * @param path The file's path, for messages.
 * @param subject Start of every message.
 * @returns The parsed frontmatter and the body.
 * @throws {ManifestError} When the frontmatter is missing, unclosed or invalid YAML.
 */
export function parseManifestText(text: string, path: string, subject: string): ManifestFile {
  const lines = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n").split("\n");
  if (lines[0]?.trimEnd() !== "---") {
    throw new ManifestError(
      `${subject}: the file must start with a --- line that opens the YAML frontmatter`,
      { file: path, line: 1, column: 1 },
    );
  }
  const close = lines.findIndex((line, i) => i > 0 && line.trimEnd() === "---");
  if (close < 0) {
    throw new ManifestError(
      `${subject}: the frontmatter opened on line 1 is never closed with a --- line`,
      { file: path, line: 1, column: 1 },
    );
  }
  const yaml = lines.slice(1, close).join("\n");
  const doc = parseStrictYaml(yaml, path, { subject, lineOffset: 1 });
  return { path, doc, body: lines.slice(close + 1).join("\n").trim() };
}
