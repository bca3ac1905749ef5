/**
 * `bot-bottle resume <slug> [-- <cmd…>]`: relaunch a bottle whose state was kept, with its
 * recorded agent, backend, label and slug, booting its committed image when it has one.
 */
import { approvedDockerfilePath } from "../supervise/mod.ts";
import { UsageError } from "../../core/errors/mod.ts";
import {
  type BackendRegistry,
  defaultRegistry,
  type InterruptSource,
  planBottle,
  resolveAgent,
  resumeTarget,
} from "../lifecycle/mod.ts";
import { bottlePaths, homePaths } from "../paths/mod.ts";
import type { CliContext } from "./_context.ts";
import { confirmAndRun } from "./start.ts";

/** Options of `resume`. */
export interface ResumeOptions {
  /** The bottle's slug. */
  slug: string;
  /** `--yes`: skip the y/N question. */
  yes: boolean;
  /** `--detach`: leave the bottle running. */
  detach: boolean;
  /** `-- <cmd…>`: run this instead of the provider's default command. */
  command?: readonly string[];
  /** The backends (tests pass doubles). */
  registry?: BackendRegistry;
  /** Where Ctrl-C comes from (tests fire it by hand). */
  interrupts?: InterruptSource;
}

/**
 * Resume a bottle.
 *
 * @param ctx The CLI context.
 * @param options The slug and flags.
 * @returns The command's exit code (0 when detached, 1 when declined).
 * @throws {NotFoundError} When the bottle has no state (naming the state directory).
 * @throws {UsageError} Without a terminal and without `--yes`.
 * @throws {Error} When the bottle still runs or its backend cannot run here.
 */
export async function resumeCommand(ctx: CliContext, options: ResumeOptions): Promise<number> {
  if (!options.yes && !ctx.stdinIsTty) {
    throw new UsageError("no terminal to confirm the resume: pass --yes");
  }
  const paths = homePaths(ctx.env);
  const { metadata, backend } = await resumeTarget(options.slug, {
    registry: options.registry ?? defaultRegistry(),
    paths,
  });
  // The recorded directory, not this one: a repo-local agent lives there.
  const agent = await resolveAgent(metadata.agent, {
    home: paths.root,
    cwd: metadata.cwd,
    ...(ctx.env.HOME === undefined ? {} : { userHome: ctx.env.HOME }),
  });
  const approved = approvedDockerfilePath(paths, metadata.slug);
  const hasApproved = await Deno.lstat(approved).then((info) => info.isFile, () => false);
  // A committed image has the workspace in it; otherwise put back the one saved at exit.
  const archive = bottlePaths(paths, metadata.slug).workspaceArchive;
  const saved = metadata.committed_image === undefined &&
    await Deno.lstat(archive).then((info) => info.isFile, () => false);
  const { plan } = planBottle(agent, {
    backend,
    slug: metadata.slug,
    label: metadata.label,
    cwd: metadata.cwd,
    paths,
    hostEnv: ctx.env,
    resume: true,
    ...(metadata.color === undefined ? {} : { color: metadata.color }),
    ...(options.command === undefined ? {} : { command: options.command }),
    ...(metadata.committed_image === undefined ? {} : { committedImage: metadata.committed_image }),
    ...(hasApproved ? { approvedDockerfile: approved } : {}),
    ...(saved ? { workspaceArchive: archive } : {}),
  });
  return await confirmAndRun(ctx, {
    agent,
    plan,
    backend,
    metadata: { ...metadata, started_at: new Date().toISOString() },
    yes: options.yes,
    detach: options.detach,
    resume: true,
    ...(options.interrupts === undefined ? {} : { interrupts: options.interrupts }),
  });
}
