/**
 * Test support: an agent for the memory backend that behaves like a real one in a working
 * bottle. It answers the launch's provisioning (`id -u`, the CA install), the isolation self-test
 * (its proxy probe included) and the workspace copy (`tar --extract`, reading its whole input)
 * the way the agent image would, and hands every other command to the test. Options make it
 * misbehave the ways a real bottle can (a root user, a dead proxy, a reachable target), so the
 * shared launch can be shown to refuse each one.
 *
 * @module
 * @example
 * ```ts
 * import { MemoryBackend } from "../../../backends/memory/mod.ts";
 * import { simulatedAgent } from "./mod.ts";
 * const backend = new MemoryBackend({ agent: simulatedAgent({ command: () => 3 }) });
 * console.assert(backend.name === "docker");
 * ```
 */
import type { ExecOptions, ExecResult } from "../../../backends/mod.ts";
import { type MemoryAgent, MemoryBackend } from "../../../backends/memory/mod.ts";

/** How the simulated agent behaves. */
export interface SimulatedAgentOptions {
  /** The uid `id -u` reports (default 1000; 0 makes the launch refuse it). */
  uid?: number;
  /** Whether the sidecar's proxy answers (default true). */
  proxy?: boolean;
  /** Whether the image has `update-ca-certificates` (default true). */
  caTools?: boolean;
  /** Self-test targets the agent reaches directly: `ADDR:PORT` or a name that resolves. */
  reachable?: ReadonlySet<string>;
  /** Receives the tar stream of a bottle's workspace copy, whole. */
  workspace?: (slug: string, tar: Uint8Array) => void;
  /** Every other command: its exit code (default 0). */
  command?: (
    slug: string,
    argv: readonly string[],
    options: ExecOptions,
  ) => number | Promise<number>;
}

/**
 * The agent.
 *
 * @param options How it behaves.
 * @returns The memory backend's agent behaviour.
 */
export function simulatedAgent(options: SimulatedAgentOptions = {}): MemoryAgent {
  return async (slug, argv, execOptions) => {
    const [program, flag, script] = argv;
    if (program === "id" && flag === "-u") return ok(`${options.uid ?? 1000}\n`);
    if (program === "sh" && flag === "-c" && script?.includes("update-ca-certificates")) {
      if (options.caTools === false) return failed("sh: 1: update-ca-certificates: not found");
      return execOptions.user === "root" ? ok("") : failed("update-ca-certificates: denied");
    }
    if (program === "tar" && flag === "--extract") {
      const tar = new Uint8Array(await new Response(execOptions.stdin).arrayBuffer());
      options.workspace?.(slug, tar);
      return ok("");
    }
    if (program === "sh" && argv[3] === "bot-bottle-self-test") {
      const stdin = async () => new Uint8Array(await new Response(execOptions.stdin).arrayBuffer());
      return selfTest(await selfTestArguments(argv.slice(4), stdin), options);
    }
    const code = await options.command?.(slug, argv, execOptions) ?? 0;
    return { code, stdout: "", stderr: "" };
  };
}

/** What the self-test script prints in an agent with these properties (one line per probe). */
function selfTest(args: readonly string[], options: SimulatedAgentOptions): ExecResult {
  return selfTestOutput(args, {
    proxy: options.proxy !== false,
    reaches: (_kind, target) => options.reachable?.has(target) === true,
  });
}

/**
 * The self-test script's arguments as it takes them: its argv, and after a lone `-` the lines of
 * its standard input.
 *
 * @param args The arguments after the script's name.
 * @param stdin Reads the exec's standard input whole.
 * @returns Every tagged argument, `-` left out.
 */
export async function selfTestArguments(
  args: readonly string[],
  stdin: () => Promise<Uint8Array>,
): Promise<string[]> {
  if (!args.includes("-")) return [...args];
  const lines = new TextDecoder().decode(await stdin()).split("\n").filter((line) => line !== "");
  return [...args.filter((arg) => arg !== "-"), ...lines];
}

/**
 * What the self-test script prints (one line per probe) in an agent whose proxy does or does
 * not answer and which reaches what `reaches` says, for agents simulated outside this module too.
 *
 * @param args The script's arguments (`proxy=URL`, `tcp=ADDR:PORT`, `dns=NAME`).
 * @param agent Whether the proxy answers; whether a TCP target or a name is reached directly.
 * @returns Its exit code (1 when a probe failed) and its output.
 */
export function selfTestOutput(
  args: readonly string[],
  agent: { proxy: boolean; reaches: (kind: "tcp" | "dns", target: string) => boolean },
): ExecResult {
  const lines = ["probe\ttools\tok\tcurl and getent found"];
  let failures = 0;
  const report = (name: string, pass: boolean, detail: string) => {
    if (!pass) failures++;
    lines.push(`probe\t${name}\t${pass ? "ok" : "fail"}\t${detail}`);
  };
  for (const arg of args) {
    const [kind, target = ""] = arg.split(/=(.*)/s);
    if (kind === "proxy") {
      report("proxy", agent.proxy, agent.proxy ? `${target} answered` : "no answer");
    } else if (kind === "tcp") {
      const reached = agent.reaches("tcp", target);
      report(`tcp ${target}`, !reached, reached ? "connected directly" : "no route");
    } else if (kind === "dns") {
      const reached = agent.reaches("dns", target);
      report(`dns ${target}`, !reached, reached ? "resolved" : "does not resolve");
    }
  }
  return { code: failures === 0 ? 0 : 1, stdout: `${lines.join("\n")}\n`, stderr: "" };
}

function ok(stdout: string): ExecResult {
  return { code: 0, stdout, stderr: "" };
}

function failed(stderr: string): ExecResult {
  return { code: 1, stdout: "", stderr };
}

/** A memory backend whose agent container for `slug` is running. */
export function runningAgent(slug: string, agent: MemoryAgent): MemoryBackend {
  const backend = new MemoryBackend({ agent });
  const name = `memory-agent-${slug}`;
  backend.world.objects.set(name, {
    kind: "container",
    name,
    bottle: { slug, label: slug, agent: slug },
    role: "agent",
    state: "running",
  });
  return backend;
}
