/**
 * Probes for the escape suite: many direct connections from the agent at once (each with its
 * own short timeout, so dropped packets cost seconds, not minutes), and a service on the host.
 */
import { agentBash, runProgram, type World } from "../e2e/_harness/mod.ts";

/** One direct probe's outcome. */
export interface DirectProbe {
  /** What was probed. */
  url: string;
  /** curl's exit code (0 = connected and got an HTTP answer). */
  exit: number;
  /** curl's error message or the HTTP status. */
  detail: string;
}

/** Runs every URL in parallel, proxy variables ignored; one line per URL: `url|exit|detail`. */
const DIRECT_SCRIPT = `
for url in "$@"; do
  (
    out=$(curl --noproxy '*' -sS -m 4 -o /dev/null -w '%{http_code}' "$url" 2>&1)
    code=$?
    printf '%s|%s|%s\\n' "$url" "$code" "$(printf '%s' "$out" | tr '\\n' ' ')"
  ) &
done
wait
`;

/**
 * Connect from the agent straight to each URL, bypassing its proxy (`--noproxy '*'`).
 *
 * @param world The world.
 * @param slug The bottle.
 * @param urls `http://addr:port/` URLs.
 * @returns One outcome per URL, in the given order.
 * @throws {Error} When the exec itself fails or a URL reports nothing.
 */
export async function directHttpProbes(
  world: World,
  slug: string,
  urls: readonly string[],
): Promise<DirectProbe[]> {
  const result = await agentBash(world, slug, DIRECT_SCRIPT, { args: urls });
  const byUrl = new Map<string, DirectProbe>();
  for (const line of result.stdout.split("\n")) {
    const [url, exit, ...detail] = line.split("|");
    if (url === undefined || exit === undefined || !urls.includes(url)) continue;
    byUrl.set(url, { url, exit: Number(exit), detail: detail.join("|").trim() });
  }
  return urls.map((url) => {
    const probe = byUrl.get(url);
    if (probe === undefined) {
      throw new Error(`no probe result for ${url}: exec exit ${result.code}\n${result.stderr}`);
    }
    return probe;
  });
}

/** A plain HTTP service on every host address (0.0.0.0), counting who reached it. */
export interface HostService extends AsyncDisposable {
  /** Its port. */
  port: number;
  /** The source address of every request so far. */
  hits: string[];
}

/**
 * Listen on 0.0.0.0 on a free port, like any service a developer runs on their machine.
 *
 * @returns The service; dispose it with `await using`.
 */
export function openHostService(): HostService {
  const hits: string[] = [];
  const server = Deno.serve({ hostname: "0.0.0.0", port: 0, onListen: () => {} }, (_req, info) => {
    hits.push(info.remoteAddr.hostname);
    return new Response("host-service-ok\n");
  });
  return {
    port: server.addr.port,
    hits,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/**
 * Fetch a URL from the host itself (curl, no proxy), to prove a host address answers.
 *
 * @param url The URL.
 * @returns The body, or an error description.
 */
export async function hostCurl(url: string): Promise<string> {
  const result = await runProgram("curl", ["--noproxy", "*", "-sS", "-m", "5", url]);
  return result.code === 0 ? result.stdout : `curl exit ${result.code}: ${result.stderr.trim()}`;
}

/**
 * The host's own IPv4 addresses (not loopback: the agent's 127.0.0.1 is its own).
 *
 * @returns Interface addresses.
 */
export function hostAddresses(): string[] {
  return Deno.networkInterfaces()
    .filter((iface) => iface.family === "IPv4" && !iface.address.startsWith("127."))
    .map((iface) => iface.address);
}

/** Sends a DNS query packet (hex in argv[2]) to argv[1]:53 and waits 3 s for an answer. */
export const RAW_UDP_QUERY = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(bytes.fromhex(sys.argv[2]), (sys.argv[1], 53))
print(s.recv(512))
`;

/** Opens a TCP connection to argv[1]:argv[2] (4 s limit). */
export const RAW_TCP_CONNECT =
  "import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 4)";

/** Resolves argv[1] with the system resolver. */
export const RESOLVE = "import socket, sys; print(socket.gethostbyname(sys.argv[1]))";

/** dig with one 2-second try; `+short` prints only answers, one per line. */
export function digArgs(server: string, name: string): string[] {
  return ["dig", `@${server}`, "+short", "+time=2", "+tries=1", name];
}

/** An answer line of `dig +short` for this address. */
export function answer(address: string): RegExp {
  return new RegExp(`^${escapeRe(address)}$`, "m");
}

/** TCP connections the outside host saw from anything but the control container. */
export function tcpFromOthers(events: { event: string; from: string }[], world: World): number {
  return events.filter((e) => e.event === "tcp" && e.from !== world.controlIp).length;
}

/** Names the fake resolver was asked for. */
export function dnsNames(events: { event: string; name?: string }[]): string[] {
  return events.filter((e) => e.event === "dns").map((e) => e.name ?? "");
}

/** How many push requests (`git-receive-pack`) the upstream saw. */
export function receivePacks(requests: { path: string }[]): number {
  return requests.filter((r) => r.path.includes("git-receive-pack")).length;
}

/** The last non-empty line, for short messages. */
export function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}

/** Escape text for use inside a RegExp. */
export function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Random characters of the base32 alphabet (what AWS key ids use after `AKIA`). */
export function randomBase32(length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

/** A DNS query packet for an A record, as hex (for a raw UDP probe). */
export function dnsQueryHex(name: string): string {
  const labels = name.split(".").map((label) =>
    label.length.toString(16).padStart(2, "0") +
    [...new TextEncoder().encode(label)].map((b) => b.toString(16).padStart(2, "0")).join("")
  );
  return "abcd01000001000000000000" + labels.join("") + "00" + "00010001";
}
