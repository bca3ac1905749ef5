/**
 * Operations on a running bottle: commit its filesystem, reload its egress routes.
 *
 * Apple's `container` removes a container when it stops, so a stopped container cannot be
 * exported (the original implementation learned this); the agent's filesystem is streamed out
 * of the running agent with `tar` as root instead, and an image is built from it with
 * `container build`. The archive is layered on the image the agent was started from, so the
 * image's own settings (user, working directory, environment) carry over and the bottle's env
 * values, which live only in the container, do not. A file the agent deleted from the image
 * comes back in the committed one.
 */
import { join } from "node:path";
import type { ContainerCli } from "./_cli.ts";
import { ContainerCliError } from "./_cli.ts";
import { execInAgent } from "./exec.ts";
import { container } from "./launch.ts";
import { bottleNames } from "./_names.ts";

/**
 * Snapshot the agent's filesystem to an image; the bottle keeps running.
 *
 * @param slug The bottle's slug.
 * @returns The image reference, `bot-bottle/committed-<slug>:<UTC timestamp>`.
 * @throws {ContainerCliError} When the agent is gone, or the archive or the build fails.
 */
export async function commitAgent(cli: ContainerCli, slug: string): Promise<string> {
  const agent = bottleNames(slug).agent;
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase();
  const ref = `bot-bottle/committed-${slug}:${stamp}`;
  const { image } = await container(cli, agent);
  const dir = await Deno.makeTempDir({ prefix: "bot-bottle-commit-" });
  try {
    const archive = await Deno.open(join(dir, "rootfs.tar"), { write: true, createNew: true });
    const tar = await execInAgent(cli, slug, [
      "tar",
      "--create",
      "--file=-",
      "--directory=/",
      "--one-file-system",
      "--exclude=./proc",
      "--exclude=./sys",
      "--exclude=./dev",
      ".",
    ], { tty: false, user: "root", capture: true, stdout: archive.writable });
    if (tar.code !== 0) {
      throw new ContainerCliError(["exec", agent, "tar"], { code: tar.code, stderr: tar.stderr });
    }
    await Deno.writeTextFile(
      join(dir, "Dockerfile"),
      `FROM ${image}\nADD rootfs.tar /\n`,
    );
    // `container build -f <path> -t <name> -l <key=val> [<context-dir>]`: command-reference.md.
    await cli.run([
      "build",
      "--file",
      join(dir, "Dockerfile"),
      "--tag",
      ref,
      "--label",
      `bot-bottle.committed-from=${slug}`,
      "--progress",
      "plain",
      dir,
    ]);
    return ref;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Signal the sidecar to re-read the routes file (its init forwards SIGHUP to egress).
 *
 * @param slug The bottle's slug.
 * @throws {ContainerCliError} When the sidecar is not running.
 */
export async function reloadEgress(cli: ContainerCli, slug: string): Promise<void> {
  // `container kill [--signal <signal>] <container-ids>`: command-reference.md.
  await cli.run(["kill", "--signal", "HUP", bottleNames(slug).sidecar]);
}
