/** Bundling `sidecar/main.ts` into the one JavaScript file the sidecar image runs. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ImageBuildError } from "../../core/errors/mod.ts";
import { latin1Comments } from "./_latin1_comments.ts";

/** Options of {@link bundleSidecar}. */
export interface BundleSidecarOptions {
  /** The repository holding `sidecar/main.ts`, `deno.json` and `deno.lock`. */
  root: string;
}

/** The repository this module belongs to (meaningful only when running from source). */
export const SOURCE_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Run `deno bundle` on `sidecar/main.ts`. The lockfile is frozen, so the bundle is exactly what
 * `deno.lock` pins; with a warm npm cache this needs no network. The wide characters of its
 * comments are then escaped (`_latin1_comments.ts`), so each sidecar process holds the source
 * one byte per character.
 *
 * @param output The file to write; its name must end in `.js`.
 * @param options The repository to bundle from.
 * @throws {RangeError} When `output` does not end in `.js`.
 * @throws {ImageBuildError} When `deno bundle` fails; the error carries its output.
 */
export async function bundleSidecar(output: string, options: BundleSidecarOptions): Promise<void> {
  // deno bundle picks the output format from the extension: without `.js` it emits a CommonJS
  // `require` shim that breaks the npm packages the sidecar imports, at start-up in the image.
  if (!output.endsWith(".js")) {
    throw new RangeError(
      `Cannot bundle the sidecar to "${output}": the file name must end in ".js"`,
    );
  }
  const args = [
    "bundle",
    "--platform",
    "deno",
    "--frozen-lockfile",
    "-o",
    output,
    join(options.root, "sidecar", "main.ts"),
  ];
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    const text = new TextDecoder().decode(result.stderr) + new TextDecoder().decode(result.stdout);
    throw new ImageBuildError(`deno bundle of sidecar/main.ts exited with code ${result.code}`, {
      tag: "bot-bottle/sidecar",
      output: text.split("\n").filter((line) => line.trim() !== ""),
    });
  }
  await Deno.writeTextFile(output, latin1Comments(await Deno.readTextFile(output)).text);
}
