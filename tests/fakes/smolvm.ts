/**
 * A fake `smolvm` CLI for tests on hosts where smolvm cannot run (it needs KVM or Apple's
 * hypervisor). It accepts exactly the documented grammar (`_smolvm_grammar.ts`) and refuses
 * anything else with exit 2, as clap does; records every call (argv and the names of the
 * variables in its environment) to `calls.jsonl`; keeps machines in `machines.json`; and prints
 * what the backend parses in smolvm's shapes: `--version` as clap prints it, `machine ls --json`
 * and `machine status --json` as the objects of smol-machines/smolvm `src/cli/vm_common.rs`
 * (`machine_status_json`, plus the record's `allowed_cidrs` and `labels`), and `pack create`
 * writing `<output>.smolmachine`. Secret references resolve the way smolvm resolves them, at
 * every start and exec: `--secret-file` from the file, `--secret-env` from its environment; an
 * unresolvable one is an error. Commands in a machine run nowhere (`_smolvm_guest.ts`).
 *
 * Its folder is `FAKE_SMOLVM_STATE`; `config.json` there may set `agentUid` (the image user's
 * uid, default 1000) and `widen` (CIDRs the fake adds to every allowlist, as a smolvm that does
 * not apply the one asked for). Use it through `installFakeSmolvm` (`smolvm_fake.ts`).
 */
import { join } from "node:path";
import { guestExec } from "./_smolvm_guest.ts";
import { ALIASES, GRAMMAR, UNSIMULATED } from "./_smolvm_grammar.ts";
import { type ParsedArgs, parseStrict, StrictCliError } from "./_strict_cli.ts";

/** A machine as the fake keeps it. */
export interface FakeMachine {
  name: string;
  state: "created" | "running" | "stopped";
  labels: Record<string, string>;
  image: string | null;
  from: string | null;
  cpus: number;
  memory_mib: number;
  network: boolean;
  allowed_cidrs: string[];
  dns: string | null;
  user: string | null;
  volumes: string[];
  env: string[];
  secret_env: Record<string, string>;
  secret_files: Record<string, string>;
  hosts: Record<string, string>;
  created_at: number;
}

/** The fake's configuration (`config.json`). */
export interface FakeConfig {
  agentUid?: number;
  widen?: string[];
}

/** A failure smolvm reports with exit 1. */
class Refused extends Error {}

const state = Deno.env.get("FAKE_SMOLVM_STATE") ?? "";

async function main(args: string[]): Promise<number> {
  if (state === "") return fail(1, "fake smolvm: FAKE_SMOLVM_STATE is not set");
  const env = Object.keys(Deno.env.toObject()).filter((n) => n !== "FAKE_SMOLVM_STATE").sort();
  await Deno.writeTextFile(join(state, "calls.jsonl"), JSON.stringify({ argv: args, env }) + "\n", {
    append: true,
  });
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    return print("smolvm 1.23.0\n");
  }
  const key = ALIASES[args.slice(0, 2).join(" ")] ?? args.slice(0, 2).join(" ");
  if (UNSIMULATED.has(key)) return fail(3, `fake smolvm: \`${key}\` is not simulated`);
  const grammar = GRAMMAR[key];
  if (grammar === undefined) {
    return fail(2, `error: unrecognized subcommand '${args.slice(0, 2).join(" ")}'`);
  }
  try {
    return await run(key, parseStrict(args.slice(2), grammar));
  } catch (err) {
    if (err instanceof StrictCliError) return fail(2, `error: ${err.message}`);
    if (err instanceof Refused) return fail(1, `Error: ${err.message}`);
    throw err;
  }
}

async function run(key: string, p: ParsedArgs): Promise<number> {
  const machines = await load();
  const one = (p.values.get("name") ?? p.values.get("from-vm"))?.[0] ?? "default";
  const found = machines[one];
  const need = () => {
    if (found === undefined) throw new Refused(`machine '${one}' not found`);
    return found;
  };
  switch (key) {
    case "machine create":
      if (found !== undefined) throw new Refused(`machine '${one}' already exists`);
      machines[one] = await created(one, p);
      return await save(machines, `Created machine '${one}'\n`);
    case "machine start": {
      const m = need();
      await resolveSecrets(m, p);
      m.state = "running";
      return await save(machines, `Machine '${one}' started\n`);
    }
    case "machine stop":
      need().state = "stopped";
      return await save(machines, `Machine '${one}' stopped\n`);
    case "machine delete":
      need();
      if (!p.switches.has("force")) throw new Refused("confirmation required; pass --force");
      delete machines[one];
      return await save(machines, `Deleted machine '${one}'\n`);
    case "machine status":
      return print(p.switches.has("json") ? json(need()) : `Machine '${one}': ${need().state}\n`);
    case "machine ls":
      return print(listing(Object.values(machines), p));
    case "machine exec":
      return await exec(need(), p, machines);
    default:
      return await pack(need(), p);
  }
}

async function created(name: string, p: ParsedArgs): Promise<FakeMachine> {
  const all = (flag: string) => p.values.get(flag) ?? [];
  const first = (flag: string) => all(flag)[0] ?? null;
  const from = first("from");
  if (from !== null && !await exists(from)) throw new Refused(`file not found: ${from}`);
  const pairs = (flag: string) => Object.fromEntries(all(flag).map((kv) => kv.split(/=(.*)/s)));
  const secretEnv = pairs("secret-env");
  const secretFiles = pairs("secret-file");
  const keys = [...all("secret-env"), ...all("secret-file")].map((kv) => kv.split("=")[0]);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) throw new Refused(`secret '${twice}' specified more than once`);
  const cidrs = all("allow-cidr");
  const config = await readConfig();
  return {
    name,
    state: "created",
    labels: pairs("label"),
    image: first("image"),
    from,
    cpus: Number(first("cpus") ?? 4),
    memory_mib: Number(first("mem") ?? 8192),
    network: p.switches.has("net") || cidrs.length > 0 || first("dns") !== null,
    allowed_cidrs: cidrs.length === 0 ? [] : [...cidrs, ...config.widen ?? []],
    dns: first("dns"),
    user: first("user"),
    volumes: all("volume"),
    env: all("env"),
    secret_env: secretEnv,
    secret_files: secretFiles,
    hosts: {},
    created_at: Math.floor(Date.now() / 1000),
  };
}

async function exec(
  m: FakeMachine,
  p: ParsedArgs,
  machines: Record<string, FakeMachine>,
): Promise<number> {
  if (m.state !== "running") throw new Refused(`machine '${m.name}' is not running`);
  const pairs = (list: string[]) => list.map((kv) => kv.split(/=(.*)/s) as [string, string]);
  const env = Object.fromEntries([
    ...pairs(m.env),
    ...Object.entries(await resolveSecrets(m, p)),
    ...pairs(p.values.get("env") ?? []),
  ]);
  const interactive = p.switches.has("interactive");
  const hosts = JSON.stringify(m.hosts);
  const result = await guestExec(m, p.rest, {
    user: p.values.get("user")?.[0] ?? m.user ?? "agent",
    env,
    agentUid: (await readConfig()).agentUid ?? 1000,
    // Without --interactive smolvm does not forward standard input.
    stdin: async () =>
      interactive
        ? new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer())
        : new Uint8Array(),
  });
  if (JSON.stringify(m.hosts) !== hosts) await save(machines, "");
  await Deno.stderr.write(new TextEncoder().encode(result.stderr));
  await Deno.stdout.write(new TextEncoder().encode(result.stdout));
  return result.code;
}

async function pack(m: FakeMachine, p: ParsedArgs): Promise<number> {
  if (!p.values.has("from-vm")) throw new Refused("fake smolvm: only `pack create --from-vm`");
  if (m.state === "running") throw new Refused(`machine '${m.name}' must be stopped to pack it`);
  const output = p.values.get("output")![0]!;
  await Deno.writeTextFile(output, "#!/bin/sh\n# fake packed launcher\n");
  await Deno.writeTextFile(`${output}.smolmachine`, JSON.stringify({ mode: "vm", from: m.name }));
  return print(`Packed '${m.name}' to ${output}.smolmachine\n`);
}

/** The values of a machine's and an exec's secret references, as smolvm resolves them. */
async function resolveSecrets(m: FakeMachine, p: ParsedArgs): Promise<Record<string, string>> {
  const pairs = (flag: string) => (p.values.get(flag) ?? []).map((kv) => kv.split(/=(.*)/s));
  const out: Record<string, string> = {};
  for (const [key, variable] of [...Object.entries(m.secret_env), ...pairs("secret-env")]) {
    const value = Deno.env.get(variable!);
    if (value === undefined) throw new Refused(`secret '${key}': ${variable} is not set`);
    out[key!] = value;
  }
  for (const [key, path] of [...Object.entries(m.secret_files), ...pairs("secret-file")]) {
    out[key!] = await Deno.readTextFile(path!).catch(() => {
      throw new Refused(`secret '${key}': cannot read ${path}`);
    });
  }
  return out;
}

function json(m: FakeMachine): string {
  return JSON.stringify(record(m), null, 2) + "\n";
}

function record(m: FakeMachine): Record<string, unknown> {
  return {
    name: m.name,
    state: m.state,
    cpus: m.cpus,
    memory_mib: m.memory_mib,
    pid: m.state === "running" ? 4242 : null,
    mounts: m.volumes.length,
    ports: 0,
    created_at: m.created_at,
    storage_gb: null,
    overlay_gb: null,
    image: m.image,
    entrypoint: [],
    cmd: [],
    ephemeral: false,
    gpu: false,
    network: m.network,
    allowed_cidrs: m.allowed_cidrs,
    labels: m.labels,
  };
}

function listing(machines: FakeMachine[], p: ParsedArgs): string {
  if (p.switches.has("json")) return JSON.stringify(machines.map(record), null, 2) + "\n";
  if (p.switches.has("quiet")) return machines.map((m) => `${m.name}\n`).join("");
  if (machines.length === 0) return "No machines found\n";
  return machines.map((m) => `${m.name.padEnd(20)} ${m.state}\n`).join("");
}

async function load(): Promise<Record<string, FakeMachine>> {
  return JSON.parse(await Deno.readTextFile(join(state, "machines.json")).catch(() => "{}"));
}

async function save(machines: Record<string, FakeMachine>, out: string): Promise<number> {
  const file = join(state, "machines.json");
  await Deno.writeTextFile(`${file}.${Deno.pid}`, JSON.stringify(machines));
  await Deno.rename(`${file}.${Deno.pid}`, file);
  return print(out);
}

async function readConfig(): Promise<FakeConfig> {
  return JSON.parse(await Deno.readTextFile(join(state, "config.json")).catch(() => "{}"));
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

function print(text: string): number {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
  return 0;
}

function fail(code: number, message: string): number {
  Deno.stderr.writeSync(new TextEncoder().encode(`${message}\n`));
  return code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
