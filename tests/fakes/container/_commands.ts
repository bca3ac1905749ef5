/**
 * What each `container` command does to the fake engine, and what it prints. Outputs copy the
 * shapes of apple/container's Codable types (see `backends/macos_container/_inspect.ts`): a
 * container snapshot has `configuration` (`id`, `image.reference`, `labels`, `resources`),
 * `status` and `networks[]` (`network`, `ipv4Address` as a CIDR, `ipv4Gateway`); a network has
 * `id`, `state`, `config` (`id`, `mode`, `labels`) and `status` (`ipv4Subnet`, `ipv4Gateway`).
 * Errors are what the CLI says to a request the engine refuses: a name taken, a network or image
 * that does not exist, a network still in use.
 */
import { allValues, lastValue, type ParsedCommand } from "./_strict_cli.ts";
import type { FakeContainer, FakeState } from "./_state.ts";

/** A request the fake engine refuses (exit 1, `Error: …`). */
export class FakeEngineError extends Error {
  /** @param message What the CLI says. */
  constructor(message: string) {
    super(message);
    this.name = "FakeEngineError";
  }
}

/** What a command printed. */
export interface Printed {
  /** Standard output. */
  stdout: string;
}

const MIB = 1024 * 1024;
const SIZE: Readonly<Record<string, number>> = { "": MIB, K: 1024, M: MIB, G: MIB * 1024 };

function labelsOf(parsed: ParsedCommand, key: string): Record<string, string> {
  return Object.fromEntries(allValues(parsed, key).map((l) => l.split(/=(.*)/s).slice(0, 2)));
}

/** The snapshot `inspect` and `list --format json` print. */
function snapshot(id: string, c: FakeContainer) {
  return {
    configuration: {
      id,
      image: { reference: c.image },
      labels: c.labels,
      resources: { cpus: c.cpus, memoryInBytes: c.memoryInBytes },
    },
    status: c.status,
    networks: c.networks.map((n) => ({ ...n, hostname: id })),
  };
}

function containerOf(state: FakeState, id: string): FakeContainer {
  const found = state.containers[id];
  if (found === undefined) throw new FakeEngineError(`container with ID ${id} not found`);
  return found;
}

/**
 * `run` / `create`: a container from an existing image on existing networks.
 *
 * @param state The engine.
 * @param parsed The command line.
 * @param env The CLI's environment (bare `--env NAME` reads it).
 * @returns Its ID on stdout (it runs with `--detach`, else it stays created).
 */
export function runContainer(
  state: FakeState,
  parsed: ParsedCommand,
  env: Readonly<Record<string, string>>,
): Printed {
  const image = parsed.positionals[0] ?? "";
  const id = lastValue(parsed, "--name") ?? crypto.randomUUID();
  if (state.containers[id] !== undefined) {
    throw new FakeEngineError(`container ${id} already exists`);
  }
  if (state.images[image] === undefined) throw new FakeEngineError(`image ${image} not found`);
  const resolved: Record<string, string> = {};
  for (const entry of allValues(parsed, "--env")) {
    const [name = "", value] = entry.split(/=(.*)/s);
    // Parser.env: a bare name takes the CLI's own value, and is dropped when it has none.
    const found = value ?? env[name];
    if (found !== undefined) resolved[name] = found;
  }
  const networks = allValues(parsed, "--network").map((given) => given.split(",")[0] ?? "");
  for (const name of networks) {
    if (state.networks[name] === undefined) throw new FakeEngineError(`network ${name} not found`);
  }
  for (const spec of allValues(parsed, "--mount")) checkMountSource(spec);
  const memory = lastValue(parsed, "--memory") ?? "1G";
  const [, amount = "1", unit = ""] = /^(\d+)([KMG]?)/i.exec(memory) ?? [];
  state.containers[id] = {
    labels: labelsOf(parsed, "--label"),
    image,
    status: parsed.options.has("--detach") ? "running" : "stopped",
    networks: networks.map((name) => {
      const network = state.networks[name]!;
      const base = network.subnet.replace(/\.0\/\d+$/, "");
      return {
        network: name,
        ipv4Address: `${base}.${network.next++}/24`,
        ipv4Gateway: network.gateway,
      };
    }),
    env: resolved,
    cpus: Number(lastValue(parsed, "--cpus") ?? "4"),
    memoryInBytes: Number(amount) * (SIZE[unit.toUpperCase()] ?? MIB),
    ...(lastValue(parsed, "--user") === undefined ? {} : { user: lastValue(parsed, "--user")! }),
    mounts: allValues(parsed, "--mount"),
    signals: [],
  };
  return { stdout: `${id}\n` };
}

/** A bind mount's source must be an existing directory (Parser.mount: virtiofs shares folders). */
function checkMountSource(spec: string): void {
  const source = spec.split(",").map((p) => p.split(/=(.*)/s)).find(([k]) =>
    k === "source" || k === "src"
  )?.[1];
  if (source === undefined) return;
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(source);
  } catch {
    throw new FakeEngineError(`path '${source}' does not exist`);
  }
  if (!info.isDirectory) throw new FakeEngineError(`path '${source}' is not a directory`);
}

/**
 * The commands that only read or remove.
 *
 * @param words The command.
 * @param state The engine.
 * @param parsed The command line.
 * @returns What it prints.
 */
export function simpleCommand(words: string, state: FakeState, parsed: ParsedCommand): Printed {
  const ids = parsed.positionals;
  switch (words) {
    case "start":
      containerOf(state, ids[0] ?? "").status = "running";
      return { stdout: `${ids[0]}\n` };
    case "stop":
    case "delete":
      for (const id of ids) {
        const c = containerOf(state, id);
        if (words === "stop") {
          // A container stops, then goes: the CLI removes a container when it stops.
          delete state.containers[id];
        } else {
          if (c.status === "running" && !parsed.options.has("--force")) {
            throw new FakeEngineError(`container ${id} is running; use --force`);
          }
          delete state.containers[id];
        }
      }
      return { stdout: ids.map((id) => `${id}\n`).join("") };
    case "kill":
      for (const id of ids) {
        const c = containerOf(state, id);
        if (c.status !== "running") throw new FakeEngineError(`container ${id} is not running`);
        c.signals.push(lastValue(parsed, "--signal") ?? "KILL");
      }
      return { stdout: ids.map((id) => `${id}\n`).join("") };
    case "list":
      return {
        stdout: JSON.stringify(
          Object.entries(state.containers)
            .filter(([, c]) => parsed.options.has("--all") || c.status === "running")
            .map(([id, c]) => snapshot(id, c)),
        ),
      };
    case "inspect":
      return { stdout: JSON.stringify(ids.map((id) => snapshot(id, containerOf(state, id)))) };
    case "logs":
      containerOf(state, ids[0] ?? "");
      return { stdout: "" };
    case "image list":
      return {
        stdout: JSON.stringify(Object.keys(state.images).map((reference) => ({ reference }))),
      };
    case "image inspect":
      for (const ref of ids) {
        if (state.images[ref] === undefined) throw new FakeEngineError(`image ${ref} not found`);
      }
      return { stdout: JSON.stringify(ids.map((name) => ({ name, ...state.images[name] }))) };
    case "image delete":
      for (const ref of ids) {
        if (state.images[ref] === undefined) throw new FakeEngineError(`image ${ref} not found`);
        delete state.images[ref];
      }
      return { stdout: "" };
    default:
      return networkCommand(words, state, parsed);
  }
}

function networkCommand(words: string, state: FakeState, parsed: ParsedCommand): Printed {
  const ids = parsed.positionals;
  const shown = (id: string) => {
    const n = state.networks[id];
    if (n === undefined) throw new FakeEngineError(`network ${id} not found`);
    return {
      id,
      state: "running",
      config: { id, mode: n.mode, labels: n.labels },
      status: { ipv4Subnet: n.subnet, ipv4Gateway: n.gateway },
    };
  };
  switch (words) {
    case "network create": {
      const id = ids[0] ?? "";
      if (state.networks[id] !== undefined) {
        throw new FakeEngineError(`network ${id} already exists`);
      }
      const third = 70 + state.subnets++;
      state.networks[id] = {
        mode: parsed.options.has("--internal") ? "hostOnly" : "nat",
        labels: labelsOf(parsed, "--label"),
        subnet: `192.168.${third}.0/24`,
        gateway: `192.168.${third}.1`,
        next: 2,
      };
      return { stdout: `${id}\n` };
    }
    case "network delete":
      for (const id of ids) {
        shown(id);
        const users = Object.values(state.containers).filter((c) =>
          c.networks.some((n) => n.network === id)
        );
        if (users.length > 0) throw new FakeEngineError(`network ${id} has containers attached`);
        delete state.networks[id];
      }
      return { stdout: ids.map((id) => `${id}\n`).join("") };
    case "network list":
      return { stdout: JSON.stringify(Object.keys(state.networks).map(shown)) };
    case "network inspect":
      return { stdout: JSON.stringify(ids.map(shown)) };
    default:
      throw new FakeEngineError(`the fake does not implement ${words}`);
  }
}
