/**
 * The smolmachines backend (SPEC §5): the agent in a libkrun micro-VM run by `smolvm`, its
 * sidecar in docker. Per bottle the docker backend's networks and sidecar
 * `bot-bottle-sidecars-<slug>` (ports published on the bottle's loopback alias, 127.77.x.y), and
 * the machine `bot-bottle-vm-<slug>` whose only egress is that alias (`--allow-cidr
 * <alias>/32`), checked after start; everything labelled `bot-bottle.slug=<slug>`. Secrets never
 * reach an argv: the agent's are 0600 files smolvm reads (`--secret-file`), the sidecar's travel
 * in docker's environment. These are primitives: `src/launch` runs them in order.
 *
 * @module
 * @example
 * ```ts ignore
 * import { dockerSidecarHost } from "../docker/mod.ts";
 * import { smolmachinesBackend } from "./mod.ts";
 * const backend = smolmachinesBackend({ sidecars: dockerSidecarHost() });
 * if ((await backend.isAvailable()).ok) console.log(await backend.enumerateActive());
 * ```
 */
import { join } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";
import { superviseUrl } from "../../core/sidecar_contract/mod.ts";
import type { Availability, Backend, RuntimeRequest, SidecarHost } from "../types.ts";
import { commitMachine } from "./_commit.ts";
import type { SmolContext } from "./_context.ts";
import { ensureImage } from "./_images.ts";
import { SmolvmCli } from "./_smolvm.ts";
import { cleanup, cleanupPlan, enumerateActive, teardown } from "./cleanup.ts";
import { smolvmChecks } from "./doctor.ts";
import { execInMachine } from "./exec.ts";
import { createNetworks, outsideAddresses, remove, startAgent, startSidecar } from "./launch.ts";
import { prepare } from "./prepare.ts";

export { SmolvmError } from "./_smolvm.ts";
export { loopbackAlias, machineName } from "./_names.ts";

/** Options of {@link smolmachinesBackend}. */
export interface SmolmachinesBackendOptions {
  /** The smolvm CLI: a name on PATH or a path (default `smolvm`). */
  cli?: string;
  /** The engine sidecars run on (the registry gives it docker's: `dockerSidecarHost`). */
  sidecars: SidecarHost;
  /** The backend's folder (default `$BOT_BOTTLE_HOME/smolmachines`, else `~/.bot-bottle/…`). */
  runDir?: string;
}

/**
 * A smolmachines backend.
 *
 * @param options The CLI, the sidecar engine and the folder.
 * @returns The backend.
 */
export function smolmachinesBackend(options: SmolmachinesBackendOptions): Backend {
  const ctx: SmolContext = {
    cli: new SmolvmCli(options.cli),
    sidecars: options.sidecars,
    // Read when first needed, not when the module loads.
    get runDir() {
      return options.runDir ?? defaultRunDir();
    },
  };
  return Object.freeze(
    {
      name: "smolmachines" as const,
      isAvailable: () => availability(ctx),
      isolation,
      checks: (run, host) => smolvmChecks(ctx.cli.program, ctx.sidecars, run, host),
      prepare: (spec) => prepare(ctx, spec),
      ensureImage: (recipe, progress) => ensureImage(ctx, recipe, progress),
      createNetworks: (step, spec) => createNetworks(ctx, step, spec),
      startSidecar: (step, spec, o) => startSidecar(ctx, step, spec, o),
      startAgent: (step, spec, o) => startAgent(ctx, step, spec, o),
      outsideAddresses: (bottle, networks) => outsideAddresses(ctx, bottle, networks),
      sidecarStatus: (slug) => ctx.sidecars.sidecarStatus(slug),
      remove: (object) => remove(ctx, object),
      exec: (slug, argv, o) => execInMachine(ctx.cli, slug, argv, o),
      stop: (slug) => teardown(ctx, slug),
      enumerateActive: () => enumerateActive(ctx),
      cleanupPlan: (keep) => cleanupPlan(ctx, keep),
      cleanup: (steps) => cleanup(ctx, steps),
      commit: (slug) => commitMachine(ctx, slug),
      reloadEgress: (slug) => ctx.sidecars.reloadEgress(slug),
      superviseUrl: () => superviseUrl(),
    } satisfies Backend,
  );
}

async function availability(ctx: SmolContext): Promise<Availability> {
  let version: string;
  try {
    const { code, stdout, stderr } = await ctx.cli.run(["--version"], {
      allowFailure: true,
      timeoutMs: 10_000,
    });
    if (code !== 0) return { ok: false, reason: `smolvm does not answer: ${stderr.trim()}` };
    version = stdout.trim();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return { ok: false, reason: `the ${ctx.cli.program} CLI is not installed`, absent: true };
    }
    throw err;
  }
  const docker = await ctx.sidecars.isAvailable();
  if (!docker.ok) return { ok: false, reason: `its sidecars need docker: ${docker.reason}` };
  return { ok: true, detail: `${version}; sidecars on ${docker.detail}` };
}

function isolation(runtime: RuntimeRequest): Promise<string> {
  if (runtime === "runsc") {
    return Promise.reject(
      new ConfigError(
        "BOT_BOTTLE_RUNTIME=runsc asks for gVisor, a docker runtime; smolmachines runs the " +
          "agent in a micro-VM instead (unset it, or use --backend docker)",
      ),
    );
  }
  return Promise.resolve("libkrun micro-VM (smolvm); egress only to its sidecar");
}

function defaultRunDir(): string {
  const home = Deno.env.get("BOT_BOTTLE_HOME") ?? join(Deno.env.get("HOME") ?? "/", ".bot-bottle");
  return join(home, "smolmachines");
}
