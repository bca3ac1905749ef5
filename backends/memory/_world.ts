/**
 * The in-memory engine the memory backend drives: named networks and containers labelled with
 * their bottle, and a record of every command it was given. Nothing leaves the process.
 */
import type { BottleRef, ImageRecipe, Mount, ResourceLimits } from "../types.ts";

/** A network or container the engine holds. */
export interface MemoryObject {
  /** `network` or `container`. */
  kind: "network" | "container";
  /** Its name. */
  name: string;
  /** The bottle it belongs to. */
  bottle: BottleRef;
  /** `agent`, `sidecar`, `internal` or `egress`. */
  role: string;
  /** For containers: `running` or `exited`. */
  state: string;
  /** For started containers: the caps the engine enforces. */
  limits?: Readonly<ResourceLimits>;
  /** For a started agent: `runsc` when it runs under gVisor. */
  runtime?: "runsc";
  /** For started containers: the networks it is attached to, by name. */
  networks?: readonly string[];
  /** For started containers: its settings (secret values are in {@link MemoryWorld.secrets}). */
  env?: Readonly<Record<string, string>>;
  /** For started containers: its mounts. */
  mounts?: readonly Mount[];
}

/** The engine's state; one per backend instance. */
export class MemoryWorld {
  /** Objects by name, in creation order. */
  readonly objects = new Map<string, MemoryObject>();
  /** Every engine command, as an argv (settings and names only; secret values never). */
  readonly commands: string[][] = [];
  /** The secret values each container was started with, by container name. */
  readonly secrets = new Map<string, Readonly<Record<string, string>>>();
  /** The recipes images were asked for, in order. */
  readonly images: ImageRecipe[] = [];

  /**
   * Add an object; refuses a name in use, as an engine would.
   *
   * @param object The object.
   * @throws {Error} When the name is taken.
   */
  add(object: MemoryObject): void {
    if (this.objects.has(object.name)) {
      throw new Error(`memory engine: ${object.kind} "${object.name}" already exists`);
    }
    this.objects.set(object.name, object);
  }

  /**
   * The objects of one bottle, or of every bottle.
   *
   * @param slug The bottle, or undefined for all.
   * @returns Matching objects in creation order.
   */
  of(slug?: string): MemoryObject[] {
    return [...this.objects.values()].filter((o) => slug === undefined || o.bottle.slug === slug);
  }
}

/**
 * Names of a bottle's objects in the memory engine.
 *
 * @param slug The bottle's slug.
 * @returns The four names.
 */
export function memoryNames(
  slug: string,
): { agent: string; sidecar: string; internal: string; egress: string } {
  return {
    agent: `memory-agent-${slug}`,
    sidecar: `memory-sidecar-${slug}`,
    internal: `memory-internal-${slug}`,
    egress: `memory-egress-${slug}`,
  };
}
