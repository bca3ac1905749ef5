/** Operations on a running bottle: commit its filesystem, reload its egress routes. */
import { type DockerCli, DockerError } from "./_docker.ts";
import { bottleNames } from "./_names.ts";

/** The parts of an image's config a committed image keeps (all from its Dockerfile). */
interface ImageConfig {
  Env: string[] | null;
  User: string;
  WorkingDir: string;
}

/**
 * Snapshot the agent container's filesystem to an image; the bottle keeps running.
 *
 * `docker commit` would also store the container's environment, and with it the bottle's env
 * values and canary, in an image that outlives the bottle. The filesystem is exported and
 * imported instead, with the configuration of the image the container was built from.
 *
 * @param slug The bottle's slug.
 * @returns The image reference, `bot-bottle/committed-<slug>:<UTC timestamp>`.
 * @throws {DockerError} When the container does not exist or the export or import fails.
 */
export async function commitAgent(cli: DockerCli, slug: string): Promise<string> {
  const agent = bottleNames(slug).agent;
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase();
  const ref = `bot-bottle/committed-${slug}:${stamp}`;
  const image = (await cli.run(["inspect", "--format", "{{.Config.Image}}", agent])).stdout.trim();
  const config = JSON.parse(
    (await cli.run(["image", "inspect", "--format", "{{json .Config}}", image])).stdout,
  ) as ImageConfig;
  const changes = [
    ...(config.Env ?? []).map((entry) => {
      const at = entry.indexOf("=");
      return `ENV ${entry.slice(0, at)}=${JSON.stringify(entry.slice(at + 1))}`;
    }),
    ...(config.User === "" ? [] : [`USER ${config.User}`]),
    ...(config.WorkingDir === "" ? [] : [`WORKDIR ${config.WorkingDir}`]),
    `LABEL bot-bottle.committed-from=${slug}`,
  ];
  const spawn = (args: string[], stdin: "null" | "piped", stdout: "null" | "piped") =>
    cli.command(args, { stdin, stdout, stderr: "piped" }).spawn();
  const exporter = spawn(["export", agent], "null", "piped");
  const importer = spawn(
    ["import", ...changes.flatMap((c) => ["--change", c]), "-", ref],
    "piped",
    "null",
  );
  const [, exportErr, exported, importErr, imported] = await Promise.all([
    exporter.stdout.pipeTo(importer.stdin).catch(() => undefined),
    new Response(exporter.stderr).text(),
    exporter.status,
    new Response(importer.stderr).text(),
    importer.status,
  ]);
  if (exported.code !== 0 || imported.code !== 0) {
    const failed = exported.code !== 0 ? "export" : "import";
    throw new DockerError([failed, agent], {
      code: exported.code !== 0 ? exported.code : imported.code,
      stderr: exported.code !== 0 ? exportErr : importErr,
    }, cli.dialect.name);
  }
  return ref;
}

/**
 * Signal the sidecar to re-read the routes file (its init forwards SIGHUP to egress).
 *
 * @param slug The bottle's slug.
 * @throws {DockerError} When the sidecar is not running.
 */
export async function reloadEgress(cli: DockerCli, slug: string): Promise<void> {
  await cli.run(["kill", "--signal", "HUP", bottleNames(slug).sidecar]);
}
