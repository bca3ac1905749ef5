/** Test helpers for this folder: docker calls and throwaway image names. */
import { pathToFileURL } from "node:url";

/** Every container, network and image a test here creates carries this label. */
export const TEST_LABEL = "bot-bottle-test=1";

/** The offline base images of the e2e suite (tests/e2e/images/build.sh). */
export const TEST_BASES = {
  debian: "bot-bottle-test/debian:bookworm",
  deno: "bot-bottle-test/deno:2.9.6",
} as const;

/**
 * A `file://` URL string for a host path.
 *
 * @param path The path.
 * @returns Its URL.
 */
export function toFileUrl(path: string): string {
  return pathToFileURL(path).href;
}

/**
 * A fresh image name, so a test never removes an image another test (or a real bottle) uses.
 *
 * @param what What the image is, for `docker images`.
 * @returns `bot-bottle-test/images-<what>:<random>`.
 */
export function uniqueTag(what: string): string {
  return `bot-bottle-test/images-${what}:${crypto.randomUUID().slice(0, 8)}`;
}

/** What a docker command printed. */
export interface DockerResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/**
 * Run docker and collect its output.
 *
 * @param args The arguments.
 * @returns Exit code and output.
 */
export async function docker(args: string[]): Promise<DockerResult> {
  const out = await new Deno.Command("docker", { args, stdin: "null" }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/**
 * Run docker and fail unless it succeeds.
 *
 * @param args The arguments.
 * @returns Standard output, trimmed.
 */
export async function dockerOk(args: string[]): Promise<string> {
  const result = await docker(args);
  if (result.code !== 0) {
    throw new Error(`docker ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  }
  return result.stdout.trim();
}

/**
 * Remove images by name, ignoring those that do not exist.
 *
 * @param tags The names.
 */
export async function removeImages(...tags: string[]): Promise<void> {
  for (const tag of tags) await docker(["image", "rm", "--force", tag]);
}
