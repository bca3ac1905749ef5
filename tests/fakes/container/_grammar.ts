/**
 * The grammar of Apple's `container` CLI, copied from apple/container
 * `docs/command-reference.md` (every command, option and argument the backend may use, with
 * the same names, short forms and whether each takes a value), plus `network create --internal`
 * from `Sources/ContainerCommands/Network/NetworkCreate.swift` ("Restrict to host-only
 * network"). Value checks follow `Sources/ContainerClient/Parser.swift` where the CLI itself
 * refuses a value before doing anything: `--cpus` is an integer, `--memory` a size with an
 * optional K/M/G/T/P suffix, a label `key=value`, a mount only the documented directives.
 */
import type { CommandSpec, OptionSpec } from "./_strict_cli.ts";

const flag = (...names: string[]): OptionSpec => ({ names, value: false });
const option = (names: string[], check?: (v: string) => string | undefined): OptionSpec => ({
  names,
  value: true,
  ...(check === undefined ? {} : { check }),
});

const oneOf = (...values: string[]) => (v: string) =>
  values.includes(v) ? undefined : `must be one of ${values.join(", ")}`;
const integer = (v: string) => /^\d+$/.test(v) ? undefined : "must be an integer";
const memory = (v: string) =>
  /^\d+(\.\d+)?([KMGTP](i?B)?)?$/i.test(v) ? undefined : "must be a size such as 512M or 2G";
const keyValue = (v: string) => /^[^=]+=/.test(v) ? undefined : "format: key=value";
const ip = (v: string) =>
  /^\d{1,3}(\.\d{1,3}){3}$/.test(v) || /^[0-9a-f:]+$/i.test(v) && v.includes(":")
    ? undefined
    : "must be an IP address";
const cidr = (v: string) => /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(v) ? undefined : "not a CIDR";
const MOUNT_KEYS = ["type", "size", "mode", "source", "src", "destination", "dst", "target"];
const mount = (v: string) => {
  for (const part of v.split(",")) {
    const [key = "", value] = part.split(/=(.*)/s);
    if (key === "readonly" || key === "ro") continue;
    if (!MOUNT_KEYS.includes(key)) return `unknown directive ${key}`;
    if (value === undefined) return `missing value for ${key}`;
  }
  return undefined;
};

const debug = flag("--debug");
const format = option(["--format"], oneOf("json", "table"));

/** Process options shared by `run`, `create` and `exec`. */
const PROCESS: OptionSpec[] = [
  option(["--env", "-e"]),
  option(["--env-file"]),
  option(["--gid"], integer),
  flag("--interactive", "-i"),
  flag("--tty", "-t"),
  option(["--user", "-u"], (v) => /^[^:]+(:[^:]+)?$/.test(v) ? undefined : "name|uid[:gid]"),
  option(["--uid"], integer),
  option(["--workdir", "-w", "--cwd"]),
];

/** `run` and `create`: process, resource, management, registry and progress options. */
const RUN: OptionSpec[] = [
  ...PROCESS,
  option(["--cpus", "-c"], integer),
  option(["--memory", "-m"], memory),
  option(["--arch", "-a"]),
  option(["--cidfile"]),
  flag("--detach", "-d"),
  option(["--dns"], ip),
  option(["--dns-domain"]),
  option(["--dns-option"]),
  option(["--dns-search"]),
  option(["--entrypoint"]),
  option(["--kernel", "-k"]),
  option(["--label", "-l"], keyValue),
  option(["--mount"], mount),
  option(["--name"]),
  option(["--network"]),
  flag("--no-dns"),
  option(["--os"]),
  option(["--publish", "-p"]),
  option(["--platform"]),
  option(["--publish-socket"]),
  flag("--rm", "--remove"),
  flag("--ssh"),
  option(["--tmpfs"]),
  option(["--volume", "-v"]),
  flag("--virtualization"),
  option(["--scheme"], oneOf("http", "https", "auto")),
  option(["--progress"], oneOf("none", "ansi")),
  debug,
];

/** Every command the fake knows, by its words (aliases included). */
export const GRAMMAR: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ["run", { options: RUN, min: 1, max: 1, passthroughAfter: 0 }],
  ["create", { options: RUN, min: 1, max: 1, passthroughAfter: 0 }],
  ["start", {
    options: [flag("--attach", "-a"), flag("--interactive", "-i"), debug],
    min: 1,
    max: 1,
  }],
  ["stop", {
    options: [
      flag("--all", "-a"),
      option(["--signal", "-s"]),
      option(["--time", "-t"], integer),
      debug,
    ],
    min: 0,
    max: Infinity,
  }],
  ["kill", {
    options: [flag("--all", "-a"), option(["--signal", "-s"]), debug],
    min: 0,
    max: Infinity,
  }],
  ["delete", {
    options: [flag("--all", "-a"), flag("--force", "-f"), debug],
    min: 0,
    max: Infinity,
  }],
  ["list", {
    options: [flag("--all", "-a"), format, flag("--quiet", "-q"), debug],
    min: 0,
    max: 0,
  }],
  ["exec", {
    options: [flag("--detach", "-d"), ...PROCESS, debug],
    min: 1,
    max: 1,
    passthroughAfter: 0,
    minRest: 1,
  }],
  ["logs", {
    options: [flag("--boot"), flag("--follow", "-f"), option(["-n"], integer), debug],
    min: 1,
    max: 1,
  }],
  ["inspect", { options: [debug], min: 1, max: Infinity }],
  ["build", {
    options: [
      option(["--arch", "-a"]),
      option(["--build-arg"], keyValue),
      option(["--cpus", "-c"], integer),
      option(["--file", "-f"]),
      option(["--label", "-l"], keyValue),
      option(["--memory", "-m"], memory),
      flag("--no-cache"),
      option(["--output", "-o"]),
      option(["--os"]),
      option(["--platform"]),
      option(["--progress"], oneOf("auto", "plain", "tty")),
      flag("--quiet", "-q"),
      option(["--tag", "-t"]),
      option(["--target"]),
      option(["--vsock-port"], integer),
      debug,
    ],
    min: 0,
    max: 1,
  }],
  ["image list", {
    options: [format, flag("--quiet", "-q"), flag("--verbose", "-v"), debug],
    min: 0,
    max: 0,
  }],
  ["image inspect", { options: [debug], min: 1, max: Infinity }],
  ["image delete", { options: [flag("--all", "-a"), debug], min: 0, max: Infinity }],
  ["network create", {
    options: [
      option(["--label"], keyValue),
      flag("--internal"),
      option(["--subnet"], cidr),
      option(["--subnet-v6"]),
      debug,
    ],
    min: 1,
    max: 1,
  }],
  ["network delete", { options: [flag("--all", "-a"), debug], min: 0, max: Infinity }],
  ["network list", { options: [format, flag("--quiet", "-q"), debug], min: 0, max: 0 }],
  ["network inspect", { options: [debug], min: 1, max: Infinity }],
  ["system status", { options: [option(["--prefix", "-p"]), debug], min: 0, max: 0 }],
]);

/** Aliases the reference names in parentheses: `delete (rm)`, `list (ls)`. */
const ALIASES: Readonly<Record<string, string>> = {
  rm: "delete",
  ls: "list",
  "image rm": "image delete",
  "image ls": "image list",
  "network rm": "network delete",
  "network ls": "network list",
};

/**
 * The command an argv names, and the arguments after its words.
 *
 * @param argv The CLI's arguments.
 * @returns The command's canonical words and its arguments, or undefined when unknown.
 */
export function commandOf(argv: readonly string[]): { words: string; args: string[] } | undefined {
  for (const length of [2, 1]) {
    const said = argv.slice(0, length).join(" ");
    const words = ALIASES[said] ?? said;
    if (argv.length >= length && GRAMMAR.has(words)) return { words, args: argv.slice(length) };
  }
  return undefined;
}
