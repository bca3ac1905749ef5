/**
 * What the fake's "guest" answers to `machine exec`: nothing runs, not even on the host. It
 * answers the commands a launch runs the way an agent image would, and its network follows the
 * machine's record the way smolvm's TSI egress policy does: an address is reachable only when
 * networking is on and an allowed CIDR contains it (all of them when no allowlist is set); a
 * name resolves only from the guest's `/etc/hosts` (smolvm's DNS filter passes `--allow-host`
 * names only, and the backend points the resolver where nothing answers).
 */
import { selfTestArguments, selfTestOutput } from "../../src/launch/testing/mod.ts";

/** The part of a machine record the guest reads and writes. */
export interface GuestMachine {
  /** Whether networking is on. */
  network: boolean;
  /** The egress allowlist, empty for none. */
  allowed_cidrs: string[];
  /** `/etc/hosts` entries, name to address. */
  hosts: Record<string, string>;
}

/** How one exec runs. */
export interface GuestExec {
  /** The user it runs as. */
  user: string;
  /** Its environment (record env, secrets, `--env`). */
  env: Readonly<Record<string, string>>;
  /** The uid the image's non-root user has (the fake's configuration). */
  agentUid: number;
  /** Reads the exec's standard input, whole. */
  stdin: () => Promise<Uint8Array>;
}

/** An exec's result. */
export interface GuestResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/**
 * Answer one command.
 *
 * @param machine The machine (its `hosts` may change).
 * @param argv The command.
 * @param run How it runs.
 * @returns What the guest prints.
 */
export async function guestExec(
  machine: GuestMachine,
  argv: readonly string[],
  run: GuestExec,
): Promise<GuestResult> {
  const [program, flag, script = ""] = argv;
  const root = run.user === "root" || run.user === "0";
  if (program === "id" && flag === "-u") return ok(`${root ? 0 : run.agentUid}\n`);
  if (program === "printenv" && flag !== undefined) {
    const value = run.env[flag];
    return value === undefined ? { code: 1, stdout: "", stderr: "" } : ok(`${value}\n`);
  }
  if (program === "tar" && flag === "--extract") {
    await run.stdin();
    return ok("");
  }
  if (program === "curl" && argv.includes("http://_egress.local/allowlist")) {
    return ok(sidecarReachable(machine) ? "200" : "000");
  }
  if (program !== "sh" || flag !== "-c") return ok("");
  if (script.includes("/etc/hosts")) {
    if (!root) return { code: 1, stdout: "", stderr: "sh: /etc/hosts: Permission denied\n" };
    const [address = "", name = ""] = argv.slice(4);
    machine.hosts[name] = address;
    return ok("");
  }
  if (script.includes("update-ca-certificates")) {
    return root ? ok("") : { code: 1, stdout: "", stderr: "update-ca-certificates: denied\n" };
  }
  if (argv[3] === "bot-bottle-self-test") {
    return selfTest(machine, await selfTestArguments(argv.slice(4), run.stdin));
  }
  return ok("");
}

/** Whether an address is inside the machine's egress policy. */
export function reachable(machine: GuestMachine, address: string): boolean {
  if (!machine.network) return false;
  if (machine.allowed_cidrs.length === 0) return true;
  return machine.allowed_cidrs.some((cidr) => inCidr(address, cidr));
}

function sidecarReachable(machine: GuestMachine): boolean {
  const address = machine.hosts["bot-bottle-sidecar"];
  return address !== undefined && reachable(machine, address);
}

function selfTest(machine: GuestMachine, args: readonly string[]): GuestResult {
  return selfTestOutput(args, {
    proxy: sidecarReachable(machine),
    reaches: (kind, target) =>
      kind === "tcp"
        ? reachable(machine, target.replace(/:\d+$/, ""))
        : machine.hosts[target] !== undefined,
  });
}

function inCidr(address: string, cidr: string): boolean {
  const [base = "", bits = "32"] = cidr.split("/");
  const a = toInt(address);
  const b = toInt(base);
  if (a === undefined || b === undefined) return false;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

function toInt(address: string): number | undefined {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    return undefined;
  }
  return parts.reduce((n, p) => (n * 256 + p) >>> 0, 0);
}

function ok(stdout: string): GuestResult {
  return { code: 0, stdout, stderr: "" };
}
