/**
 * The part of smolvm's command line the fake accepts, copied from the tool's own definitions so
 * the fake refuses what smolvm refuses. Sources: the clap structs of smol-machines/smolvm
 * `src/cli/machine.rs` (`CreateCmd`, `StartCmd`, `StopCmd`, `DeleteCmd`, `StatusCmd`, `LsCmd`,
 * `ExecCmd`) and `src/cli/pack.rs` (`PackCreateCmd`), and smol-machines/docs
 * `local/machine-lifecycle-cli-reference.md` (`--name` is a flag everywhere, a bare positional
 * name is refused; `--user` on `create` and `exec`; `ls --quiet`). Subcommands the backend never
 * runs are refused with "not simulated", never silently accepted.
 */
import type { CommandGrammar, FlagSpec } from "./_strict_cli.ts";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

const check = (ok: boolean, problem: string) => ok ? undefined : problem;

/** Value checks, one per value shape smolvm parses. */
const is = {
  name: (v: string) => check(NAME.test(v), "not a machine name"),
  text: (v: string) => check(v !== "", "must not be empty"),
  keyValue: (v: string) => check(/^[^=]+=/.test(v), "expected KEY=VALUE"),
  ipv4: (v: string) => check(IPV4.test(v), "invalid IPv4 address syntax"),
  cidr: (v: string) => {
    const [ip = "", bits, extra] = v.split("/");
    return check(
      extra === undefined && IPV4.test(ip) && bits !== undefined && /^\d{1,2}$/.test(bits) &&
        Number(bits) <= 32,
      "expected an IPv4 CIDR like 10.0.0.0/8",
    );
  },
  count: (max: number) => (v: string) =>
    check(/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= max, `expected 1 to ${max}`),
  volume: (v: string) => {
    const [host = "", guest = "", mode, extra] = v.split(":");
    return check(
      host !== "" && guest.startsWith("/") && extra === undefined &&
        (mode === undefined || mode === "ro"),
      "expected HOST:GUEST[:ro] with an absolute guest path",
    );
  },
  secretEnv: (v: string) => {
    const [key = "", host = ""] = v.split(/=(.*)/s);
    return check(ENV_NAME.test(key) && ENV_NAME.test(host), "expected GUEST_VAR=HOST_VAR");
  },
  secretFile: (v: string) => {
    const [key = "", path = ""] = v.split(/=(.*)/s);
    return check(ENV_NAME.test(key) && path.startsWith("/"), "expected GUEST_VAR=/abs/path");
  },
  duration: (v: string) => check(/^\d+(ms|s|m|h)$/.test(v), "expected a duration like 30s"),
  user: (v: string) => check(/^([a-z_][a-z0-9_-]*|\d+(:\d+)?)$/.test(v), "expected NAME|UID[:GID]"),
};

const flag = (long: string, short?: string, value?: FlagSpec["value"], many = false): FlagSpec => ({
  long,
  ...(short === undefined ? {} : { short }),
  ...(value === undefined ? {} : { value }),
  many,
});

/** `smolvm machine create` (`CreateCmd`; the workload command only after `--`). */
const create: CommandGrammar = {
  rest: "last",
  flags: [
    flag("name", "n", is.name),
    flag("label", undefined, is.keyValue, true),
    flag("image", "I", is.text),
    flag("cpus", undefined, is.count(255)),
    flag("mem", undefined, is.count(4_294_967_295)),
    flag("storage", undefined, is.count(65_535)),
    flag("overlay", undefined, is.count(65_535)),
    flag("volume", "v", is.volume, true),
    flag("net"),
    flag("dns", undefined, is.ipv4),
    flag("allow-cidr", undefined, is.cidr, true),
    flag("allow-host", undefined, is.text, true),
    flag("outbound-localhost-only"),
    flag("init", undefined, is.text, true),
    flag("env", "e", is.keyValue, true),
    flag("workdir", "w", is.text),
    flag("user", "u", is.user),
    flag("secret-env", undefined, is.secretEnv, true),
    flag("secret-file", undefined, is.secretFile, true),
    flag("smolfile", "s", is.text),
    flag("from", undefined, is.text),
  ],
  conflicts: [["from", "image"], ["from", "smolfile"]],
};

/** `smolvm machine exec` (`ExecCmd`: `--name` has no short form; the command is required). */
const exec: CommandGrammar = {
  rest: "trailing",
  restRequired: true,
  flags: [
    flag("name", undefined, is.name),
    flag("workdir", "w", is.text),
    flag("env", "e", is.keyValue, true),
    flag("secret-env", undefined, is.secretEnv, true),
    flag("secret-file", undefined, is.secretFile, true),
    flag("timeout", undefined, is.duration),
    flag("interactive", "i"),
    flag("tty", "t"),
    flag("stream"),
    flag("detach", "d"),
    flag("user", "u", is.user),
  ],
  conflicts: [["detach", "interactive"], ["detach", "tty"], ["detach", "stream"]],
};

const named: CommandGrammar = { rest: "none", flags: [flag("name", "n", is.name)] };

/** The grammar of each subcommand the fake simulates, by `machine <verb>` or `pack <verb>`. */
export const GRAMMAR: Readonly<Record<string, CommandGrammar>> = {
  "machine create": create,
  "machine start": named,
  "machine stop": named,
  "machine delete": {
    rest: "none",
    required: ["name"],
    flags: [flag("name", "n", is.name), flag("force", "f"), flag("cascade")],
  },
  "machine status": { rest: "none", flags: [flag("name", "n", is.name), flag("json")] },
  "machine ls": { rest: "none", flags: [flag("verbose", "v"), flag("json"), flag("quiet", "q")] },
  "machine exec": exec,
  "pack create": {
    rest: "none",
    required: ["output"],
    flags: [
      flag("image", "I", is.text),
      flag("from-vm", undefined, is.name),
      flag("output", "o", is.text),
      flag("cpus", undefined, is.count(255)),
      flag("mem", undefined, is.count(4_294_967_295)),
    ],
    conflicts: [["image", "from-vm"]],
  },
};

/** Visible aliases clap accepts (`#[command(visible_alias = …)]`). */
export const ALIASES: Readonly<Record<string, string>> = {
  "machine rm": "machine delete",
  "machine list": "machine ls",
};

/** Subcommands smolvm has that the fake does not simulate. */
export const UNSIMULATED: ReadonlySet<string> = new Set([
  "machine run",
  "machine fork",
  "machine fork-release",
  "machine egress-events",
  "machine resize",
  "machine update",
  "machine images",
  "machine prune",
  "machine shell",
  "machine sh",
  "machine cp",
  "machine monitor",
  "machine network-test",
  "machine data-dir",
  "machine checkpoint",
  "pack run",
  "pack push",
  "pack pull",
  "pack inspect",
]);
