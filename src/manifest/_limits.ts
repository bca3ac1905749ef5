/**
 * `limits`: the memory, CPU and process caps of a bottle's two containers. Every container gets
 * caps whether the manifest names them or not, so a fork bomb or a memory hog in the agent stops
 * at its own container and the sidecar (which holds the bottle's only way out) keeps its share.
 * The defaults suit a coding agent that builds and tests code; a bottle raises or lowers them per
 * field, folded across `extends` (last wins). Floors refuse caps too small to start the container
 * at all, which would otherwise fail later with an engine error far from the manifest line.
 */
import { z } from "zod";
import type { ResourceLimits } from "../../backends/mod.ts";

/** The two containers a bottle runs. */
export type LimitedContainer = "agent" | "sidecar";

/** Caps applied when no manifest in the chain names them. */
export const DEFAULT_LIMITS: Readonly<Record<LimitedContainer, Readonly<ResourceLimits>>> = Object
  .freeze({
    agent: Object.freeze({ memory: 4 * 1024 ** 3, cpus: 2, pids: 4096 }),
    sidecar: Object.freeze({ memory: 1024 ** 3, cpus: 2, pids: 512 }),
  });

/** The smallest caps a container starts with (the sidecar runs four Deno processes). */
const FLOORS: Readonly<Record<LimitedContainer, Readonly<ResourceLimits>>> = Object.freeze({
  agent: Object.freeze({ memory: 128 * 1024 ** 2, cpus: 0.1, pids: 64 }),
  sidecar: Object.freeze({ memory: 256 * 1024 ** 2, cpus: 0.1, pids: 64 }),
});

const MAX_CPUS = 1024;
const MAX_PIDS = 4_194_304;
const MAX_MEMORY = 1024 ** 5;

/** Binary multipliers; Docker's one-letter suffixes mean the same. */
const UNITS: Readonly<Record<string, number>> = Object.freeze({
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
});

const SIZE = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/;
const SIZE_HELP = "a size with a unit, such as 512MiB or 4GiB (KiB, MiB, GiB, TiB)";

/**
 * Read a memory size such as `512MiB`, `4GiB` or Docker's `2g`.
 *
 * @param text The size as written.
 * @returns Whole bytes, or a message saying what is wrong.
 */
export function parseSize(text: string): { bytes: number } | { problem: string } {
  const match = SIZE.exec(text.trim());
  if (match === null) return { problem: `must be ${SIZE_HELP}, got "${text}"` };
  const unit = match[2] as string;
  const multiplier = UNITS[unit] ?? UNITS[unit.toLowerCase()];
  if (multiplier === undefined) {
    const binary = /^[kmgt]b$/i.test(unit) ? `; write ${unit[0]!.toUpperCase()}iB` : "";
    return { problem: `must be ${SIZE_HELP}, got "${text}"${binary}` };
  }
  return { bytes: Math.floor(Number(match[1]) * multiplier) };
}

/**
 * A size for messages, in the largest binary unit it fills.
 *
 * @param bytes The size.
 * @returns E.g. `4GiB`, `1.5GiB`, `300MiB`.
 */
export function formatSize(bytes: number): string {
  for (const unit of ["TiB", "GiB", "MiB", "KiB"] as const) {
    const n = bytes / (UNITS[unit] as number);
    if (n >= 1) return `${Number.isInteger(n) ? n : Number(n.toFixed(2))}${unit}`;
  }
  return `${bytes}B`;
}

function containerSchema(role: LimitedContainer) {
  const floor = FLOORS[role];
  return z.strictObject({
    memory: z.string({ error: `must be ${SIZE_HELP}` }).transform((text, ctx) => {
      const size = parseSize(text);
      if ("problem" in size) {
        ctx.addIssue({ code: "custom", message: size.problem });
        return z.NEVER;
      }
      if (size.bytes < floor.memory || size.bytes > MAX_MEMORY) {
        ctx.addIssue({
          code: "custom",
          message: `must be from ${formatSize(floor.memory)} to ${formatSize(MAX_MEMORY)} ` +
            `(the ${role} does not start with less), got "${text}"`,
        });
        return z.NEVER;
      }
      return size.bytes;
    }).optional().describe(`Memory cap of the ${role}, e.g. 4GiB (no swap beyond it)`),
    cpus: z.number({ error: "must be a number of CPUs, such as 2 or 0.5" }).min(floor.cpus, {
      error: `must be at least ${floor.cpus}`,
    }).max(MAX_CPUS, { error: `must be at most ${MAX_CPUS}` }).optional().describe(
      `CPU cap of the ${role}, in CPUs (a cap above the host's count does not bite)`,
    ),
    pids: z.number({ error: "must be a whole number of processes and threads" }).int({
      error: "must be a whole number of processes and threads",
    }).min(floor.pids, {
      error: `must be at least ${floor.pids} (the ${role} does not start with fewer)`,
    }).max(MAX_PIDS, { error: `must be at most ${MAX_PIDS}` }).optional().describe(
      `Most processes and threads the ${role} may run at once`,
    ),
  }).describe(`Caps of the ${role} container`);
}

/** The `limits` section of one bottle file. */
export const LimitsLayerSchema = z.strictObject({
  agent: containerSchema("agent").optional().describe("Caps of the agent container"),
  sidecar: containerSchema("sidecar").optional().describe("Caps of the sidecar container"),
}).describe("Memory, CPU and process caps per container (defaults apply to what is not named)");

/** One bottle file's parsed `limits`. */
export type LimitsLayer = z.infer<typeof LimitsLayerSchema>;

/** Both containers' caps, complete. */
export type BottleLimits = Record<LimitedContainer, ResourceLimits>;

/**
 * Fold the files' `limits` (parents first) over the defaults, per field.
 *
 * @param layers Each file's section, in fold order.
 * @returns Complete caps for both containers.
 */
export function foldLimits(layers: readonly (LimitsLayer | undefined)[]): BottleLimits {
  const out: BottleLimits = {
    agent: { ...DEFAULT_LIMITS.agent },
    sidecar: { ...DEFAULT_LIMITS.sidecar },
  };
  for (const layer of layers) {
    for (const role of ["agent", "sidecar"] as const) {
      const set = layer?.[role];
      if (set?.memory !== undefined) out[role].memory = set.memory;
      if (set?.cpus !== undefined) out[role].cpus = set.cpus;
      if (set?.pids !== undefined) out[role].pids = set.pids;
    }
  }
  return out;
}
