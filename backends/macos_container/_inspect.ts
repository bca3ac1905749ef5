/**
 * The JSON the `container` CLI prints, read into the few fields the backend uses. Shapes follow
 * apple/container's Codable types: `container inspect` and `container list --format json` print
 * container snapshots (`configuration` with `id`, `labels`, `image.reference`, `resources`;
 * `status`; `networks[]` attachments with `network`, `ipv4Address` as a CIDR and `ipv4Gateway`:
 * `Sources/ContainerResource/Network/Attachment.swift`), and `container network inspect` /
 * `network list --format json` print network states (`id`, `config.labels`, `config.mode`,
 * `status.ipv4Subnet`, `status.ipv4Gateway`: `NetworkStatus.swift`). Anything else is an error,
 * never a guess.
 */
import { ContainerCliError } from "./_cli.ts";

/** A container as the backend reads it. */
export interface ContainerInfo {
  /** Its name (the CLI's container ID). */
  id: string;
  /** Its labels. */
  labels: Record<string, string>;
  /** The image it runs. */
  image: string;
  /** `running`, `stopped`, … */
  status: string;
  /** Its CPUs and memory. */
  resources: { cpus: number; memoryInBytes: number };
  /** Its addresses, by network. */
  networks: { network: string; address: string; gateway: string }[];
}

/** A network as the backend reads it. */
export interface NetworkInfo {
  /** Its name. */
  id: string;
  /** Its labels. */
  labels: Record<string, string>;
  /** Its IPv4 subnet (CIDR). */
  subnet: string;
  /** The host's address on it. */
  gateway: string;
}

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw shape(what);
  return value as Json;
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string") throw shape(what);
  return value;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw shape(what);
  return value;
}

function stringMap(value: unknown, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(object(value ?? {}, what))) out[key] = text(v, what);
  return out;
}

function shape(what: string): ContainerCliError {
  return new ContainerCliError(["(output)"], { code: 0, stderr: `unexpected JSON: ${what}` });
}

/**
 * Container snapshots from `inspect` or `list --format json`.
 *
 * @param value The parsed JSON.
 * @returns The containers.
 * @throws {ContainerCliError} When the JSON is not the documented shape.
 */
export function parseContainers(value: unknown): ContainerInfo[] {
  return list(value, "a list of containers").map((item) => {
    const snapshot = object(item, "a container");
    const config = object(snapshot.configuration, "configuration");
    const resources = object(config.resources ?? {}, "configuration.resources");
    return {
      id: text(config.id, "configuration.id"),
      labels: stringMap(config.labels, "configuration.labels"),
      image: text(object(config.image, "configuration.image").reference, "image.reference"),
      status: text(snapshot.status, "status"),
      resources: {
        cpus: Number(resources.cpus ?? 0),
        memoryInBytes: Number(resources.memoryInBytes ?? 0),
      },
      networks: list(snapshot.networks ?? [], "networks").map((n) => {
        const attachment = object(n, "a network attachment");
        return {
          network: text(attachment.network, "networks[].network"),
          address: text(attachment.ipv4Address, "networks[].ipv4Address").replace(/\/\d+$/, ""),
          gateway: text(attachment.ipv4Gateway, "networks[].ipv4Gateway"),
        };
      }),
    };
  });
}

/**
 * Networks from `network inspect` or `network list --format json`.
 *
 * @param value The parsed JSON.
 * @returns The networks.
 * @throws {ContainerCliError} When the JSON is not the documented shape.
 */
export function parseNetworks(value: unknown): NetworkInfo[] {
  return list(value, "a list of networks").map((item) => {
    const network = object(item, "a network");
    const config = object(network.config, "config");
    const status = object(network.status, "status");
    return {
      id: text(network.id, "id"),
      labels: stringMap(config.labels, "config.labels"),
      subnet: text(status.ipv4Subnet, "status.ipv4Subnet"),
      gateway: text(status.ipv4Gateway, "status.ipv4Gateway"),
    };
  });
}

/**
 * Image references from `image list --format json` (each entry has a `reference`).
 *
 * @param value The parsed JSON.
 * @returns The references.
 * @throws {ContainerCliError} When the JSON is not the documented shape.
 */
export function parseImageRefs(value: unknown): string[] {
  return list(value, "a list of images").map((item) =>
    text(object(item, "an image").reference, "reference")
  );
}
