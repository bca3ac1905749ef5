/**
 * The engine's CLI (`docker`, or `podman` under `BOT_BOTTLE_E2E_ENGINE=podman`), run with argv
 * arrays; the e2e harness's only way to touch the engine.
 */
import { PODMAN_DIALECT } from "../../../backends/podman/mod.ts";

/**
 * The engine the e2e suites run on: `BOT_BOTTLE_E2E_ENGINE` (`docker`, the default, or `podman`,
 * which CI uses for its pass of the lifecycle and escape suites on Podman). It names the CLI the
 * harness runs and the backend bottles are started with.
 *
 * @returns The engine.
 * @throws {Error} For any other value.
 */
export function e2eEngine(): "docker" | "podman" {
  const value = Deno.env.get("BOT_BOTTLE_E2E_ENGINE") ?? "docker";
  if (value !== "docker" && value !== "podman") {
    throw new Error(`BOT_BOTTLE_E2E_ENGINE must be docker or podman, got "${value}"`);
  }
  return value;
}

/**
 * Flags every container the harness runs needs on the engine (podman's explicit runtime and
 * ulimits: see backends/podman).
 *
 * @returns The flags, for `run` and `create`.
 */
export function engineRunFlags(): readonly string[] {
  return e2eEngine() === "podman" ? PODMAN_DIALECT.containerFlags : [];
}

/** What a finished command printed and returned. */
export interface RunResult {
  /** Exit code (124 when the harness killed it after its time limit). */
  code: number;
  /** Captured stdout. */
  stdout: string;
  /** Captured stderr. */
  stderr: string;
}

/** The label every object the harness creates carries (cleanup finds them by it). */
export const TEST_LABEL = "bot-bottle-test=1";

/**
 * Run a program to completion, capturing its output.
 *
 * @param program The program.
 * @param args Its arguments.
 * @param options Time limit (default 60 s), environment (inherited when absent), stdin, cwd.
 * @returns Exit code and output; a timeout kills the process and reports 124.
 */
export async function runProgram(
  program: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): Promise<RunResult> {
  const child = new Deno.Command(program, {
    args: [...args],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    ...(options.env === undefined ? {} : { env: options.env, clearEnv: true }),
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const state = { timedOut: false };
  const timer = setTimeout(() => {
    state.timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs ?? 60_000);
  try {
    const out = await child.output();
    const decoder = new TextDecoder();
    return {
      code: state.timedOut ? 124 : out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Run `docker <args>` (the {@link e2eEngine}'s CLI).
 *
 * @param args Arguments after `docker`.
 * @param options Time limit and stdin.
 * @returns The result (never throws for a non-zero exit).
 */
export function docker(
  args: readonly string[],
  options: { timeoutMs?: number; stdin?: string } = {},
): Promise<RunResult> {
  return runProgram(e2eEngine(), args, options);
}

/**
 * Run `docker <args>` and return stdout, or throw with stderr when it fails.
 *
 * @param args Arguments after `docker`.
 * @param options Time limit.
 * @returns Trimmed stdout.
 * @throws {Error} Naming the command and docker's message.
 */
export async function dockerOk(
  args: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<string> {
  const result = await docker(args, options);
  if (result.code !== 0) {
    throw new Error(
      `${e2eEngine()} ${args.join(" ")} failed (exit ${result.code}): ${result.stderr.trim()}`,
    );
  }
  return result.stdout.trim();
}

/**
 * The IPv4 address of a container on one network.
 *
 * @param container Container name.
 * @param network Network name.
 * @returns The address.
 * @throws {Error} When the container is not on that network.
 */
export async function containerIp(container: string, network: string): Promise<string> {
  const out = await dockerOk([
    "inspect",
    "--format",
    `{{ with index .NetworkSettings.Networks "${network}" }}{{ .IPAddress }}{{ end }}`,
    container,
  ]);
  if (out === "") throw new Error(`container ${container} has no address on network ${network}`);
  return out;
}

/**
 * Every IPv4 address a container has, over all its networks.
 *
 * @param container Container name.
 * @returns The addresses.
 */
export async function containerIps(container: string): Promise<string[]> {
  const out = await dockerOk([
    "inspect",
    "--format",
    "{{ range .NetworkSettings.Networks }}{{ .IPAddress }} {{ end }}",
    container,
  ]);
  return out.split(/\s+/).filter((ip) => ip !== "");
}

/**
 * The gateway addresses (the host's side) of a network's IPv4 subnets.
 *
 * @param network Network name.
 * @returns The gateways; empty when the network has none.
 */
export async function networkGateways(network: string): Promise<string[]> {
  const out = await dockerOk([
    "network",
    "inspect",
    "--format",
    e2eEngine() === "podman"
      ? "{{ range .Subnets }}{{ with .Gateway }}{{ . }} {{ end }}{{ end }}"
      : "{{ range .IPAM.Config }}{{ .Gateway }} {{ end }}",
    network,
  ]);
  return out.split(/\s+/).filter((ip) => ip !== "");
}

/**
 * Names of containers and networks carrying a label.
 *
 * @param label `key=value`.
 * @returns Container names and network names.
 */
export async function objectsByLabel(
  label: string,
): Promise<{ containers: string[]; networks: string[] }> {
  const containers = await dockerOk([
    "ps",
    "--all",
    "--filter",
    `label=${label}`,
    "--format",
    "{{ .Names }}",
  ]);
  const networks = await dockerOk([
    "network",
    "ls",
    "--filter",
    `label=${label}`,
    "--format",
    "{{ .Name }}",
  ]);
  return { containers: lines(containers), networks: lines(networks) };
}

/**
 * Force-remove every container, then every network, carrying a label.
 *
 * @param label `key=value`.
 * @returns One message per object that could not be removed.
 */
export async function removeByLabel(label: string): Promise<string[]> {
  const problems: string[] = [];
  const { containers } = await objectsByLabel(label);
  if (containers.length > 0) {
    const result = await docker(["rm", "--force", "--volumes", ...containers]);
    if (result.code !== 0) problems.push(`docker rm ${containers.join(" ")}: ${result.stderr}`);
  }
  const { networks } = await objectsByLabel(label);
  for (const network of networks) {
    const result = await docker(["network", "rm", network]);
    if (result.code !== 0) problems.push(`docker network rm ${network}: ${result.stderr.trim()}`);
  }
  return problems;
}

function lines(text: string): string[] {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

/**
 * The networks a container is attached to.
 *
 * @param container Container name.
 * @returns Network names.
 */
export async function containerNetworks(container: string): Promise<string[]> {
  const out = await dockerOk([
    "inspect",
    "--format",
    "{{ range $name, $_ := .NetworkSettings.Networks }}{{ $name }} {{ end }}",
    container,
  ]);
  return out.split(/\s+/).filter((name) => name !== "");
}
