/**
 * Test-only Docker lab for the self-test: containers and networks labelled `bot-bottle-test=1`,
 * all removed when the lab is disposed, also when a test fails.
 */

/** The offline image the e2e suite builds (tests/e2e/images/build.sh). */
export const TEST_IMAGE = "bot-bottle-test/debian:bookworm";

/** What a docker command printed. */
export interface DockerRun {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Run `docker` with an argv, capturing its output. */
export async function docker(args: string[]): Promise<DockerRun> {
  const out = await new Deno.Command("docker", {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** True when the docker daemon answers and the test image exists. */
export async function testImageAvailable(): Promise<boolean> {
  try {
    return (await docker(["image", "inspect", TEST_IMAGE])).code === 0;
  } catch {
    return false;
  }
}

/** Containers and networks created for one test. */
export class DockerLab implements AsyncDisposable {
  readonly #prefix = `bot-bottle-test-selftest-${crypto.randomUUID().slice(0, 8)}`;
  readonly #containers: string[] = [];
  readonly #networks: string[] = [];

  /** Create a network with `docker network create ARGS`. */
  async network(suffix: string, createArgs: string[]): Promise<string> {
    const name = `${this.#prefix}-${suffix}`;
    this.#networks.push(name);
    await must(["network", "create", ...createArgs, ...label(), name]);
    return name;
  }

  /** Start a detached container of {@link TEST_IMAGE}. */
  async container(suffix: string, runArgs: string[], command: string[]): Promise<string> {
    const name = `${this.#prefix}-${suffix}`;
    this.#containers.push(name);
    await must(["run", "-d", "--name", name, ...label(), ...runArgs, TEST_IMAGE, ...command]);
    return name;
  }

  /** The container's address on its (single) network. */
  async ip(container: string): Promise<string> {
    const format = "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}";
    return (await must(["inspect", "-f", format, container])).trim();
  }

  /** Wait until `curl ARGS` inside the container succeeds (a server in it is listening). */
  async waitFor(container: string, curlArgs: string[]): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const run = await docker(["exec", container, "curl", "-sf", "-o", "/dev/null", ...curlArgs]);
      if (run.code === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${container} never answered curl ${curlArgs.join(" ")}`);
  }

  /** Remove everything this lab created. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#containers.length > 0) await docker(["rm", "-f", ...this.#containers]);
    if (this.#networks.length > 0) await docker(["network", "rm", ...this.#networks]);
  }
}

function label(): string[] {
  return ["--label", "bot-bottle-test=1"];
}

async function must(args: string[]): Promise<string> {
  const run = await docker(args);
  if (run.code !== 0) throw new Error(`docker ${args[0]} failed: ${run.stderr.trim()}`);
  return run.stdout;
}
