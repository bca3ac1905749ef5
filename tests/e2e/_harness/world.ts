/**
 * A per-test-file "internet" for Docker end-to-end tests: an internal network (no route to the
 * real internet) holding an HTTPS upstream for example.com, example.org and api.example.test
 * (certificate from a test CA), an "outside" host with a TCP listener and a fake DNS resolver,
 * and a plain control container that proves those answer. Bottles started by the CLI use the
 * network as their egress network; their agents must reach none of it directly.
 */
import { join } from "node:path";
import { mintTestCerts } from "./_certs.ts";
import {
  containerIp,
  docker,
  dockerOk,
  e2eEngine,
  engineRunFlags,
  networkGateways,
  removeByLabel,
  runProgram,
  type RunResult,
  TEST_LABEL,
} from "./_docker.ts";
import { bottleLeftovers, describeLeftovers, isClean } from "./leftovers.ts";

/** Host names the upstream answers for (network aliases and certificate SANs). */
export const UPSTREAM_HOSTS = ["example.com", "example.org", "api.example.test"] as const;
/** The fake model APIs' hosts (`_fake_models.ts` answers every path of these). */
export const MODEL_API_HOSTS = ["api.anthropic.com", "api.openai.com", "chatgpt.com"] as const;
/** TCP port of the outside host's listener. */
export const OUTSIDE_TCP_PORT = 8080;
/** What the upstream's default page contains (the same constant as in _upstream_server.ts). */
export const UPSTREAM_PAGE_MARKER = "bot-bottle-e2e-upstream-page";
/** What the outside host's TCP listener answers. */
export const OUTSIDE_TCP_BODY = "outside-host-ok";
/** The host variable holding the test route's real token (route `token_ref`). */
export const TOKEN_VAR = "E2E_API_TOKEN";

/**
 * The runtime bottles' agents run under: `BOT_BOTTLE_E2E_RUNTIME` (`runc`, the default, or
 * `runsc`, which CI uses for its second pass of the lifecycle, escape and limits suites). Pinned
 * either way, so a run never depends on whether the engine happens to have gVisor.
 *
 * @returns The runtime.
 * @throws {Error} For any other value, and for `runsc` on podman (its agents run under runc).
 */
export function e2eRuntime(): "runc" | "runsc" {
  const value = Deno.env.get("BOT_BOTTLE_E2E_RUNTIME") ?? "runc";
  if (value !== "runc" && value !== "runsc") {
    throw new Error(`BOT_BOTTLE_E2E_RUNTIME must be runc or runsc, got "${value}"`);
  }
  if (value === "runsc" && e2eEngine() === "podman") {
    throw new Error("BOT_BOTTLE_E2E_RUNTIME=runsc: the podman backend runs agents under runc");
  }
  return value;
}

const HERE = import.meta.dirname!;
/** The checkout's root (where main.ts and deno.json are). */
export const REPO = join(HERE, "..", "..", "..");

/** A request the upstream logged. */
export interface UpstreamRequest {
  /** HTTP method. */
  method: string;
  /** `Host` header. */
  host: string;
  /** Path and query. */
  path: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
}

/** A request a fake model API answered (`_fake_models.ts`). */
export interface ModelRequest {
  /** When it arrived (ms since the epoch). */
  at: number;
  /** `anthropic` or `openai`. */
  api: string;
  /** `Host` header. */
  host: string;
  /** The path. */
  path: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The JSON body. */
  body: Record<string, unknown>;
}

/** A connection or DNS query the outside host logged. */
export interface OutsideEvent {
  /** `tcp` or `dns`. */
  event: "tcp" | "dns";
  /** Source address. */
  from: string;
  /** The queried name (DNS only), lower case. */
  name?: string;
}

/** The running test internet and a bot-bottle home to start bottles from. */
export class World implements AsyncDisposable {
  /** Unique id, part of every name the world creates. */
  readonly id: string;
  /** Temp dir holding everything on the host side. */
  readonly dir: string;
  /** `BOT_BOTTLE_HOME` for the CLI. */
  readonly home: string;
  /** The test internet's network name. */
  readonly network: string;
  /** Its gateway address (the host's side of the bridge). */
  readonly gateway: string;
  /** The upstream container's address. */
  readonly upstreamIp: string;
  /** The outside host's address. */
  readonly outsideIp: string;
  /** The control container's address. */
  readonly controlIp: string;
  /** A name only the fake resolver knows (the launch self-test must fail to resolve it). */
  readonly outsideName: string;
  /** The test CA's certificate file (what egress trusts upstream). */
  readonly caFile: string;
  /** The Node base image the claude and codex provider images build on here. */
  readonly nodeImage: string;
  /** The real token behind {@link TOKEN_VAR}; the agent must never see it. */
  readonly realToken: string;
  /** The runtime this world's bottles' agents run under ({@link e2eRuntime}). */
  readonly runtime: "runc" | "runsc";
  /** The environment every CLI call gets (nothing inherited beyond it). */
  readonly cliEnv: Readonly<Record<string, string>>;
  readonly #slugs = new Set<string>();
  readonly #label: string;

  /** @param parts What {@link startWorld} set up. */
  constructor(parts: {
    id: string;
    dir: string;
    network: string;
    gateway: string;
    upstreamIp: string;
    outsideIp: string;
    controlIp: string;
    caFile: string;
    images: { agent: string; sidecar: string; node: string };
    denoDir: string;
  }) {
    this.id = parts.id;
    this.dir = parts.dir;
    this.home = join(parts.dir, "bot-bottle-home");
    this.network = parts.network;
    this.gateway = parts.gateway;
    this.upstreamIp = parts.upstreamIp;
    this.outsideIp = parts.outsideIp;
    this.controlIp = parts.controlIp;
    this.outsideName = `only-outside-${parts.id}.e2e.test`;
    this.caFile = parts.caFile;
    this.nodeImage = parts.images.node;
    this.realToken = `e2e-real-token-${crypto.randomUUID().replaceAll("-", "")}`;
    this.runtime = e2eRuntime();
    this.#label = worldLabel(parts.id);
    const passThrough = ["DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CONTEXT"].flatMap((name) => {
      const value = Deno.env.get(name);
      return value === undefined ? [] : [[name, value] as const];
    });
    this.cliEnv = Object.freeze({
      ...Object.fromEntries(passThrough),
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: join(parts.dir, "user-home"),
      DENO_DIR: parts.denoDir,
      NO_COLOR: "1",
      BOT_BOTTLE_HOME: this.home,
      BOT_BOTTLE_BACKEND: e2eEngine(),
      BOT_BOTTLE_RUNTIME: this.runtime,
      BOT_BOTTLE_AGENT_BASE_IMAGE: parts.images.agent,
      BOT_BOTTLE_SIDECAR_BASE_IMAGE: parts.images.sidecar,
      BOT_BOTTLE_EGRESS_NETWORK: parts.network,
      BOT_BOTTLE_EGRESS_UPSTREAM_CA: parts.caFile,
      BOT_BOTTLE_SELFTEST_TCP: `${parts.outsideIp}:${OUTSIDE_TCP_PORT}`,
      BOT_BOTTLE_SELFTEST_DNS: this.outsideName,
      BOT_BOTTLE_EGRESS_CONNECT_TO: ["example.com", "example.org"]
        .map((host) => `${host}:443=${parts.upstreamIp}:443`)
        .join(","),
      [TOKEN_VAR]: this.realToken,
    });
  }

  /** The control container's name (a plain container on the test internet). */
  get control(): string {
    return `bb-e2e-${this.id}-control`;
  }

  /**
   * Run a command in the control container (on the test internet, no bottle around it).
   *
   * @param argv Program and arguments.
   * @returns Its result.
   */
  controlRun(argv: readonly string[]): Promise<RunResult> {
    return docker(["exec", this.control, ...argv], { timeoutMs: 30_000 });
  }

  /**
   * Remember a bottle this world started, so disposal checks and removes what it left behind.
   *
   * @param slug The bottle's slug.
   */
  track(slug: string): void {
    this.#slugs.add(slug);
  }

  /** @returns Every request the upstream has logged so far. */
  async upstreamRequests(): Promise<UpstreamRequest[]> {
    return (await logRecords(`bb-e2e-${this.id}-upstream`))
      .filter((record) => record.event === "request") as unknown as UpstreamRequest[];
  }

  /** @returns Every request the fake model APIs have answered so far. */
  async modelRequests(): Promise<ModelRequest[]> {
    return (await logRecords(`bb-e2e-${this.id}-upstream`))
      .filter((record) => record.event === "model") as unknown as ModelRequest[];
  }

  /** @returns Every connection and DNS query the outside host has logged so far. */
  async outsideEvents(): Promise<OutsideEvent[]> {
    return (await logRecords(`bb-e2e-${this.id}-outside`))
      .filter((record) =>
        record.event === "tcp" || record.event === "dns"
      ) as unknown as OutsideEvent[];
  }

  /**
   * Remove every bottle this world started and everything it created. Throws when a bottle had
   * left containers, networks or its state dir behind (after removing them anyway).
   */
  async [Symbol.asyncDispose](): Promise<void> {
    const problems: string[] = [];
    for (const slug of await this.#knownSlugs()) {
      const left = await bottleLeftovers(this.home, slug);
      if (isClean(left)) continue;
      problems.push(`bottle ${slug} left ${describeLeftovers(left)}`);
      problems.push(...await removeByLabel(`bot-bottle.slug=${slug}`));
      await Deno.remove(join(this.home, "state", slug), { recursive: true }).catch(() => {});
    }
    problems.push(...await removeByLabel(this.#label));
    await Deno.remove(this.dir, { recursive: true }).catch((err) => {
      problems.push(`cannot remove ${this.dir}: ${err}`);
    });
    if (problems.length > 0) throw new Error(`e2e cleanup:\n  ${problems.join("\n  ")}`);
  }

  async #knownSlugs(): Promise<Set<string>> {
    const slugs = new Set(this.#slugs);
    try {
      for await (const entry of Deno.readDir(join(this.home, "state"))) slugs.add(entry.name);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    return slugs;
  }
}

/**
 * Build the test images if needed, then create the test internet and a bot-bottle home.
 * Everything created carries `bot-bottle-test=1`; on a failure half-way it is removed again.
 *
 * @param name A short name for the test file (appears in container names).
 * @returns The world; dispose it with `await using`.
 * @throws {Error} When Docker, openssl or the image build fails, or a server does not start.
 */
export async function startWorld(name: string): Promise<World> {
  const id = `${name}-${crypto.randomUUID().slice(0, 8)}`;
  const images = await buildImages();
  const dir = await Deno.makeTempDir({ prefix: `bb-e2e-${name}-` });
  const label = worldLabel(id);
  try {
    const srv = join(dir, "srv");
    await Deno.mkdir(srv);
    const certs = await mintTestCerts(srv, [...UPSTREAM_HOSTS, ...MODEL_API_HOSTS]);
    await Deno.copyFile(join(HERE, "_upstream_server.ts"), join(srv, "upstream_server.ts"));
    await Deno.copyFile(join(HERE, "_fake_models.ts"), join(srv, "_fake_models.ts"));
    await Deno.copyFile(join(HERE, "_outside_host.py"), join(srv, "outside_host.py"));
    const home = join(dir, "bot-bottle-home");
    for (const sub of ["bottles", "agents", "contrib", "state", "queue", "logs"]) {
      await Deno.mkdir(join(home, sub), { recursive: true });
    }
    await Deno.mkdir(join(dir, "user-home"));
    const network = `bb-e2e-${id}-inet`;
    const labels = ["--label", TEST_LABEL, "--label", label];
    // Internal: the test internet has no route to the real one, whatever a bottle does.
    await dockerOk(["network", "create", "--internal", ...labels, network]);
    const common = [
      "run",
      "--detach",
      ...engineRunFlags(),
      ...labels,
      "--network",
      network,
      "-v",
      `${srv}:/srv:ro`,
    ];
    await dockerOk([
      ...common,
      "--name",
      `bb-e2e-${id}-upstream`,
      ...[...UPSTREAM_HOSTS, ...MODEL_API_HOSTS].flatMap((host) => ["--network-alias", host]),
      images.sidecar,
      "deno",
      "run",
      "--quiet",
      "--no-config",
      "--allow-net",
      "--allow-read=/srv",
      "--allow-write=/tmp",
      "--allow-run=git",
      "--allow-env",
      "/srv/upstream_server.ts",
    ]);
    await dockerOk([
      ...common,
      "--name",
      `bb-e2e-${id}-outside`,
      images.agent,
      "python3",
      "-u",
      "/srv/outside_host.py",
      String(OUTSIDE_TCP_PORT),
    ]);
    await dockerOk([
      ...common,
      "--name",
      `bb-e2e-${id}-control`,
      images.agent,
      "sleep",
      "infinity",
    ]);
    await waitForLog(`bb-e2e-${id}-upstream`, "listening");
    await waitForLog(`bb-e2e-${id}-outside`, "listening");
    const [gateway] = await networkGateways(network);
    if (gateway === undefined) throw new Error(`network ${network} has no gateway`);
    return new World({
      id,
      dir,
      network,
      gateway,
      upstreamIp: await containerIp(`bb-e2e-${id}-upstream`, network),
      outsideIp: await containerIp(`bb-e2e-${id}-outside`, network),
      controlIp: await containerIp(`bb-e2e-${id}-control`, network),
      caFile: certs.caFile,
      images,
      denoDir: await denoDir(),
    });
  } catch (err) {
    await removeByLabel(label);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
}

function worldLabel(id: string): string {
  return `bot-bottle-test.world=${id}`;
}

/**
 * tests/e2e/images/build.sh, which prints `debian=<ref>`, `deno=<ref>` and `node=<ref>`; on
 * podman, then podman_load.sh, which copies them into podman's store.
 */
async function buildImages(): Promise<{ agent: string; sidecar: string; node: string }> {
  const result = await runProgram("bash", [join(HERE, "..", "images", "build.sh")], {
    timeoutMs: 20 * 60_000,
  });
  if (result.code !== 0) {
    throw new Error(`tests/e2e/images/build.sh failed (exit ${result.code}):\n${result.stderr}`);
  }
  const refs = Object.fromEntries(
    result.stdout.split("\n").filter((line) => line.includes("=")).map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at), line.slice(at + 1).trim()];
    }),
  );
  if (refs.debian === undefined || refs.deno === undefined || refs.node === undefined) {
    throw new Error(`tests/e2e/images/build.sh printed no image refs:\n${result.stdout}`);
  }
  if (e2eEngine() === "podman") {
    const loaded = await runProgram(
      "bash",
      [join(HERE, "..", "images", "podman_load.sh"), refs.debian, refs.deno, refs.node],
      { timeoutMs: 10 * 60_000 },
    );
    if (loaded.code !== 0) {
      throw new Error(
        `tests/e2e/images/podman_load.sh failed (exit ${loaded.code}):\n${loaded.stderr}`,
      );
    }
  }
  return { agent: refs.debian, sidecar: refs.deno, node: refs.node };
}

/** The CLI runs with a temp HOME; it must still find the modules this checkout has cached. */
async function denoDir(): Promise<string> {
  const result = await runProgram(Deno.execPath(), ["info", "--json"], { timeoutMs: 30_000 });
  const info = JSON.parse(result.stdout) as { denoDir?: unknown };
  if (typeof info.denoDir !== "string") throw new Error("deno info printed no denoDir");
  return info.denoDir;
}

async function logRecords(container: string): Promise<Record<string, unknown>[]> {
  const logs = await docker(["logs", container]);
  return logs.stdout.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

async function waitForLog(container: string, event: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await logRecords(container)).some((record) => record.event === event)) return;
    const state = await dockerOk(["inspect", "--format", "{{ .State.Status }}", container]);
    if (state !== "running") break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const logs = await docker(["logs", "--tail", "30", container]);
  throw new Error(`${container} did not report "${event}":\n${logs.stdout}${logs.stderr}`);
}
