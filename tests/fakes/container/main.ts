/**
 * A fake of Apple's `container` CLI for tests on Linux, where the real one cannot run. Every
 * call is checked against the documented grammar (`_grammar.ts`) and refused as the real CLI
 * would refuse it (usage errors exit 64, engine errors exit 1, `Error: …` on stderr); every call
 * is recorded, with the names (never the values) of the environment it was given beyond the
 * CLI's own; state lives in the folder `FAKE_CONTAINER_STATE` names.
 *
 * Commands in the agent (`exec`) are answered like a real agent image: `printenv NAME` from the
 * container's environment, everything else by the launch's simulated agent (provisioning, the
 * isolation self-test, the workspace copy), configured through the folder's `config.json` (a
 * root image, targets a weaker bottle reaches). In the sidecar, `cat /proc/sys/…` shows the
 * configured kernel settings.
 */
import { simulatedAgent } from "../../../src/launch/testing/mod.ts";
import { lastValue, parseStrict, StrictUsageError } from "./_strict_cli.ts";
import { FakeEngineError, runContainer, simpleCommand } from "./_commands.ts";
import { commandOf, GRAMMAR } from "./_grammar.ts";
import { fakePaths, readConfig, readState, withState } from "./_state.ts";

/** Variables the CLI's own environment has; any other name was given for `--env NAME`. */
const OWN_ENV = new Set([
  "PATH",
  "HOME",
  "USER",
  "TMPDIR",
  "XDG_CONFIG_HOME",
  "FAKE_CONTAINER_STATE",
  "DENO_DIR",
  "PWD",
  "OLDPWD",
  "SHLVL",
  "_",
]);

const out = (text: string) => Deno.stdout.writeSync(new TextEncoder().encode(text));
const err = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text));

async function main(argv: string[]): Promise<number> {
  const dir = Deno.env.get("FAKE_CONTAINER_STATE");
  if (dir === undefined) {
    err("fake container: FAKE_CONTAINER_STATE is not set\n");
    return 70;
  }
  const env = Deno.env.toObject();
  await Deno.writeTextFile(
    fakePaths(dir).calls,
    JSON.stringify({ argv, envNames: Object.keys(env).filter((n) => !OWN_ENV.has(n)).sort() }) +
      "\n",
    { append: true },
  );
  const command = commandOf(argv);
  if (command === undefined) {
    err(
      `Error: Unexpected argument '${argv.slice(0, 2).join(" ")}'\nUsage: container <subcommand>\n`,
    );
    return 64;
  }
  try {
    const parsed = parseStrict(GRAMMAR.get(command.words)!, command.args);
    const config = await readConfig(dir);
    if (command.words === "system status") {
      if (!config.systemRunning) {
        err("Error: apiserver is not running and not registered with launchd\n");
        return 1;
      }
      out("apiserver is running\n");
      return 0;
    }
    if (command.words === "exec") return await exec(dir, parsed.positionals[0] ?? "", parsed);
    if (command.words === "build") return await build(dir, parsed);
    const format = lastValue(parsed, "--format");
    if (format !== undefined && format !== "json") {
      throw new FakeEngineError("the fake prints --format json only");
    }
    const printed = await withState(
      dir,
      (state) =>
        command.words === "run" || command.words === "create"
          ? runContainer(state, parsed, env)
          : simpleCommand(command.words, state, parsed),
    );
    out(printed.stdout);
    return 0;
  } catch (error) {
    if (error instanceof StrictUsageError) {
      err(`Error: ${error.message}\nUsage: container ${command.words} --help\n`);
      return 64;
    }
    if (error instanceof FakeEngineError) {
      err(`Error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** `build`: the Dockerfile and the context must exist; the image then does. */
async function build(dir: string, parsed: import("./_strict_cli.ts").ParsedCommand) {
  const context = parsed.positionals[0] ?? ".";
  const file = lastValue(parsed, "--file") ?? `${context}/Dockerfile`;
  for (const path of [context, file]) {
    try {
      await Deno.stat(path);
    } catch {
      throw new FakeEngineError(`${path} not found`);
    }
  }
  const labels = Object.fromEntries(
    (parsed.options.get("--label") ?? []).map((l) => l.split(/=(.*)/s).slice(0, 2)),
  );
  const tags = parsed.options.get("--tag") ?? [];
  await withState(dir, (state) => {
    for (const tag of tags) state.images[tag] = { labels };
  });
  out(`Successfully built ${tags.join(", ")}\n`);
  return 0;
}

/** `exec`: the container must run; answers as the sidecar's kernel or the agent would. */
async function exec(
  dir: string,
  id: string,
  parsed: import("./_strict_cli.ts").ParsedCommand,
): Promise<number> {
  const container = (await readState(dir)).containers[id];
  if (container === undefined || container.status !== "running") {
    throw new FakeEngineError(`container ${id} is not running`);
  }
  const [program, ...args] = parsed.rest;
  const config = await readConfig(dir);
  if (container.labels["bot-bottle.role"] === "sidecar") {
    if (program === "sh" && args[0] === "-c") return copyIntoSidecar(container, parsed, args);
    const setting = program === "cat" && args[0]?.startsWith("/proc/sys/")
      ? args[0].slice("/proc/sys/".length).replaceAll("/", ".")
      : undefined;
    if (setting === undefined) throw new FakeEngineError(`the fake sidecar cannot run ${program}`);
    out(`${config.sidecarSysctls[setting] ?? "0"}\n`);
    return 0;
  }
  if (program === "printenv" && args[0] !== undefined) {
    const value = container.env[args[0]];
    if (value !== undefined) out(`${value}\n`);
    return value === undefined ? 1 : 0;
  }
  const user = lastValue(parsed, "--user");
  const agent = simulatedAgent({ uid: config.agentUid, reachable: new Set(config.reachable) });
  const result = await agent(container.labels["bot-bottle.slug"] ?? "", parsed.rest, {
    tty: parsed.options.has("--tty"),
    ...(user === "0" || user === "root" ? { user: "root" as const } : {}),
    capture: true,
    ...(parsed.options.has("--interactive") ? { stdin: Deno.stdin.readable } : {}),
  });
  out(result.stdout);
  err(result.stderr);
  return result.code;
}

/**
 * The sidecar's `sh -c '…cp "$1" "$2"…' sh SRC DST…` as root: each SRC must be a file the
 * container sees through one of its mounts (a real `cp` would fail otherwise).
 */
function copyIntoSidecar(
  container: import("./_state.ts").FakeContainer,
  parsed: import("./_strict_cli.ts").ParsedCommand,
  args: string[],
): number {
  const user = lastValue(parsed, "--user");
  if (user !== "0" && user !== "root") throw new FakeEngineError("cp: Permission denied");
  const pairs = args.slice(3);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const inside = pairs[i] ?? "";
    const shared = container.mounts.map((m) =>
      Object.fromEntries(m.split(",").map((p) => p.split(/=(.*)/s)))
    )
      .find((m) => inside.startsWith(`${m.target}/`));
    const host = shared === undefined
      ? undefined
      : `${shared.source}${inside.slice(shared.target.length)}`;
    if (host === undefined || !Deno.statSync(host).isFile) {
      throw new FakeEngineError(`cp: cannot stat '${inside}': No such file or directory`);
    }
  }
  return 0;
}

Deno.exit(await main(Deno.args));
