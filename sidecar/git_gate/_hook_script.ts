/**
 * The pre-receive hook file the mirrors run: a two-line shell script that starts this same
 * sidecar bundle in hook mode. git runs hooks itself (outside Deno's permission checks), so the
 * script fixes the hook process's own narrow permission flags.
 */
import { join } from "node:path";

// Every word is single-quoted in the script; these characters need no further thought.
const PLAIN = /^[A-Za-z0-9_./=,:@+-]+$/;

/**
 * Write `<hooksDir>/pre-receive` (mode 0755).
 *
 * @param hooksDir The folder `core.hooksPath` names.
 * @param argv The hook process's command.
 * @throws {Error} When a word is not plain (it would need quoting the script does not do).
 */
export async function writeHookScript(hooksDir: string, argv: readonly string[]): Promise<void> {
  const bad = argv.find((word) => !PLAIN.test(word));
  if (bad !== undefined) throw new Error(`cannot put ${JSON.stringify(bad)} in the hook script`);
  await Deno.mkdir(hooksDir, { recursive: true, mode: 0o700 });
  const path = join(hooksDir, "pre-receive");
  await Deno.writeTextFile(path, `#!/bin/sh\nexec ${argv.map((w) => `'${w}'`).join(" ")}\n`, {
    mode: 0o755,
  });
  await Deno.chmod(path, 0o755);
}
