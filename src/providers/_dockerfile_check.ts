/**
 * The rules a provider's Dockerfile follows, as ours in images/ do: the base image is the build
 * argument `BASE_IMAGE` (declared before the first `FROM`, used by it), so hosts without a
 * registry build on their own base; and the final stage runs as the non-root user `agent`.
 */

/** A refused Dockerfile: the line to point at, and why. */
export interface DockerfileProblem {
  /** 1-based line. */
  line: number;
  /** Message. */
  message: string;
}

/**
 * Check a provider Dockerfile.
 *
 * @param text The Dockerfile.
 * @returns The first problem, or `undefined`.
 */
export function dockerfileProblem(text: string): DockerfileProblem | undefined {
  const lines = instructions(text);
  if (lines.length === 0) return { line: 1, message: "Dockerfile is empty" };
  const firstFrom = lines.find((l) => l.word === "FROM");
  if (firstFrom === undefined) return { line: 1, message: "Dockerfile has no FROM" };
  const arg = lines.find((l) => l.word === "ARG" && /^BASE_IMAGE(=|$)/.test(l.rest));
  if (arg === undefined || arg.line > firstFrom.line) {
    return {
      line: firstFrom.line,
      message: "Dockerfile must declare ARG BASE_IMAGE before its first FROM (hosts without a " +
        "registry pass their own base image)",
    };
  }
  if (!/^\$\{?BASE_IMAGE\}?(\s|$)/.test(firstFrom.rest)) {
    return { line: firstFrom.line, message: "Dockerfile's first FROM must be ${BASE_IMAGE}" };
  }
  const lastFrom = lines.findLast((l) => l.word === "FROM") ?? firstFrom;
  const user = lines.findLast((l) => l.word === "USER" && l.line > lastFrom.line);
  if (user === undefined || user.rest.split(":")[0] !== "agent") {
    return {
      line: user?.line ?? lastFrom.line,
      message: "Dockerfile's final stage must end as USER agent (the non-root agent user)",
    };
  }
  return undefined;
}

/** Instructions with their first line, continuations joined, comments and blanks dropped. */
function instructions(text: string): { line: number; word: string; rest: string }[] {
  const out: { line: number; word: string; rest: string }[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (pending === undefined && (line === "" || line.startsWith("#"))) return;
    pending = pending ?? { line: i + 1, text: "" };
    pending.text += ` ${line.replace(/\\$/, "")}`;
    if (line.endsWith("\\")) return;
    const [word = "", ...rest] = pending.text.trim().split(/\s+/);
    out.push({ line: pending.line, word: word.toUpperCase(), rest: rest.join(" ") });
    pending = undefined;
  });
  return out;
}
