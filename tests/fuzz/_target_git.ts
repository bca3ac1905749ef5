/**
 * The git gate's fuzz target, against the real daemon process: mutated smart-HTTP requests
 * (seeds/git: ref advertisements, protocol v0 and v2 fetches, a gzip body, pushes of a new branch
 * and of a branch deletion) whose pkt-lines, pack data, paths and headers are broken. Every
 * request must be answered (or its connection closed) within the bound once the client has ended
 * its side, never with a 500, and the daemon must survive. The repo's upstream is a closed
 * loopback port, so refreshes fail at once and pushes that pass the scan are refused at the
 * forward.
 */
import { join } from "node:path";
import { renderGateConfig } from "../../core/git_gate/mod.ts";
import { daemonBed } from "./_daemon.ts";
import { judgeExchange, statusLabel, unexplained500 } from "./_judge.ts";
import {
  COMMON_MUTATIONS,
  type Envelope,
  type EnvelopeMutation,
  writeEnvelope,
} from "./_mutate_envelope.ts";
import { mutatePktLines } from "./_mutate_pkt.ts";
import { pick } from "./_random.ts";
import type { Bed, Target } from "./_runner.ts";
import { fromLatin1, readSeedBytes } from "./_seeds.ts";
import { exchange, pickDelivery } from "./_wire.ts";

/** How long a case waits for an answer before ending its side (a push scans, runs the hook and tries the upstream). */
const ANSWER_MS = 10_000;

/** After the client's end, how long the gate has (a push runs git, the hook and ssh). */
const BOUND_MS = 30_000;

/** A pinned host key line of the right shape (no server has it). */
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";

const GIT_MUTATIONS: readonly EnvelopeMutation[] = [
  ...COMMON_MUTATIONS,
  (e, r) =>
    void (e.path = pick([
      "/app.git/../app.git/info/refs?service=git-upload-pack",
      "/other.git/git-upload-pack",
      "/app.git/git-upload-pack?x=1",
      "/app.git/info/refs?service=git-upload-pack&x=1",
      "/app.git/info/refs?service=git-bogus",
      "/app.git/info/refs",
      "/app.git/HEAD",
      "/app.git/objects/info/packs",
      "/%2e%2e/app.git/git-upload-pack",
      "/app.git%00/git-upload-pack",
      "/app/git-upload-pack",
      "/.git/git-receive-pack",
    ], r)),
  (e, r) => {
    e.headers = e.headers.filter(([n]) => !/^content-(type|encoding)$/i.test(n));
    e.headers.push(
      ...pick<[string, string][]>([
        [["Content-Type", "application/x-git-upload-pack-request"]],
        [["Content-Type", "application/x-git-receive-pack-request"]],
        [["Content-Type", "application/x-git-upload-pack-request"], [
          "Content-Encoding",
          pick(["gzip", "x-gzip", "deflate", "br"], r),
        ]],
        [["Content-Type", "text/plain"]],
      ], r),
    );
  },
  (e, r) =>
    e.headers.push([
      "Git-Protocol",
      pick([
        "version=2",
        "version=1",
        "version=99",
        "version=2:object-format=sha256",
        "x".repeat(9_000),
      ], r),
    ]),
  (e, r) => void (e.body = mutatePktLines(e.body, r)),
  (e, r) => void (e.body = mutatePktLines(mutatePktLines(e.body, r), r)),
];

function toEnvelope(request: Uint8Array): Envelope {
  const text = fromLatin1(request);
  const split = text.indexOf("\r\n\r\n");
  const [line = "", ...fields] = text.slice(0, split).split("\r\n");
  const [method = "", path = ""] = line.split(" ");
  const headers = fields
    .map((f): [string, string] => [f.slice(0, f.indexOf(":")), f.slice(f.indexOf(":") + 1).trim()])
    .filter(([n]) => n.toLowerCase() !== "content-length");
  return { method, path, headers, body: request.subarray(split + 4) };
}

/** Mutated git smart-HTTP requests. */
export const gitTarget: Target = {
  name: "git",
  concurrency: 4,
  async start(): Promise<Bed> {
    const seeds = await readSeedBytes("git");
    return await daemonBed("git-gate", gateFiles, async (port, r) => {
      const envelope = toEnvelope(pick(seeds, r));
      envelope.headers = envelope.headers.map((
        [n, v],
      ) => [n, n === "Host" ? `127.0.0.1:${port}` : v]);
      const bytes = writeEnvelope(envelope, GIT_MUTATIONS, r);
      const result = await exchange(port, bytes, {
        delivery: pickDelivery(bytes.length, r),
        boundMs: BOUND_MS,
        awaitAnswerMs: ANSWER_MS,
      });
      // The gate words its own 500s (a backend that died before answering).
      const label = statusLabel(result.answer);
      return judgeExchange(bytes, result, { label, untyped: unexplained500("git gate: ") });
    });
  },
};

/** Write repos.json and a key for `app` (upstream: a closed port); returns the daemon's settings. */
async function gateFiles(dir: string): Promise<Record<string, string>> {
  const configDir = join(dir, "config");
  await Deno.mkdir(join(configDir, "keys"), { recursive: true });
  await Deno.mkdir(join(dir, "tmp"));
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await Deno.writeTextFile(
    join(configDir, "repos.json"),
    renderGateConfig({
      repos: [{
        name: "app",
        url: `ssh://git@127.0.0.1:${port}/srv/app.git`,
        user: "git",
        host: "127.0.0.1",
        port,
        path: "srv/app.git",
        host_key: HOST_KEY,
        extra_hosts: {},
      }],
    }),
  );
  const keygen = await new Deno.Command("ssh-keygen", {
    args: ["-q", "-t", "ed25519", "-N", "", "-f", join(configDir, "keys", "app")],
  }).output();
  if (!keygen.success) {
    throw new Error(`ssh-keygen failed: ${new TextDecoder().decode(keygen.stderr)}`);
  }
  return {
    BOT_BOTTLE_GIT_GATE_CONFIG_DIR: configDir,
    BOT_BOTTLE_GIT_GATE_MIRROR_DIR: join(dir, "git"),
    TMPDIR: join(dir, "tmp"),
    BOT_BOTTLE_GIT_GATE_LISTEN: "127.0.0.1:0",
    BOT_BOTTLE_GIT_GATE_TIMEOUT_SECONDS: "20",
    BOT_BOTTLE_QUEUE_DIR: join(dir, "queue"),
    BOT_BOTTLE_SLUG: "fuzz",
    SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS: "1",
  };
}
