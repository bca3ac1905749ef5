// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * `deno task bench:sidecar [idle] [small] [many] [down] [up]`: the memory of the sidecar as
 * bottles run it. `bench:memory` measures `bot-bottle egress serve` from source; this builds the
 * sidecar image from this checkout (`images/sidecar/Dockerfile` and the bundle, exactly as a
 * bottle gets it), runs its egress daemon under the image's own entrypoint, permissions and V8
 * flags, and puts the loads of `bench:memory` through it: nothing (idle), small keep-alive
 * requests on 8 connections until {@link SMALL_REQUESTS} (1M; `BENCH_SIDECAR_SMALL_REQUESTS`
 * changes it; the RSS after the first 10k and after all is printed too, for issue 16's "flat
 * over 1M requests"), 200 connections each downloading 20 MiB at once, a 1 GiB download, a
 * 1 GiB upload. The container shares the host's network so that it reaches the loopback origin
 * (`--connect-to`); a fresh container and origin per load. It prints the egress daemon's RSS
 * (idle, peak every 50 ms, growth), the init process's RSS, and the container's memory as its
 * cgroup counts it (the runtime's file pages once, not per process).
 *
 * Needs Docker and the offline Deno base (`tests/e2e/images/build.sh`); `BENCH_SIDECAR_BASE`
 * names another base image. Loopback only.
 */
import { join } from "node:path";
import { ensureDockerImage } from "../../backends/docker/mod.ts";
import { sidecarImageRecipe } from "../../src/images/mod.ts";
import { docker, dockerOk } from "../images/_testing.ts";
import {
  curl,
  freePort,
  load,
  printTable,
  rssMiB,
  startOrigin,
  UPLOAD_ORIGIN,
  uploadVia,
} from "./_proxy_bed.ts";

const BASE = Deno.env.get("BENCH_SIDECAR_BASE") ?? `bot-bottle-test/deno:${Deno.version.deno}`;
const LABEL = "bot-bottle-bench=sidecar";
/** How many small requests the `small` load sends. */
const SMALL_REQUESTS = Number(Deno.env.get("BENCH_SIDECAR_SMALL_REQUESTS") ?? "1000000");

/** What one load measured (MiB, seconds). */
interface Row {
  label: string;
  egressBefore: number;
  egressPeak: number;
  initRss: number;
  containerBefore: string;
  containerAfter: string;
  seconds: number;
}

/** The container's memory as `docker stats` reports it (its cgroup). */
async function containerMemory(id: string): Promise<string> {
  const usage = await dockerOk(["stats", "--no-stream", "--format", "{{.MemUsage}}", id]);
  return usage.split("/")[0]!.trim();
}

/** Build the sidecar image (or find it by its content tag). */
async function sidecarImage(cacheDir: string): Promise<string> {
  const recipe = await sidecarImageRecipe({ cacheDir, baseImage: BASE });
  const { tag } = await ensureDockerImage(recipe, {
    progress: () => {},
    labels: { "bot-bottle-bench": "sidecar" },
  });
  return tag;
}

/** A sidecar container running egress in front of a fresh origin, and the host PIDs inside. */
async function startSidecar(image: string, dir: string) {
  const { origin, originPort, uploadPort } = await startOrigin(dir);
  const state = join(dir, "egress");
  await Deno.mkdir(state);
  await Deno.writeTextFile(join(state, "routes.yaml"), "log: 0\nroutes:\n  - host: bench.test\n");
  await Deno.copyFile(join(dir, "origin-ca.pem"), join(state, "upstream-ca.pem"));
  const port = freePort();
  const id = await dockerOk([
    "run",
    "--detach",
    "--label",
    LABEL,
    "--network",
    "host",
    "--volume",
    `${state}:/state/egress`,
    "--env",
    "BOT_BOTTLE_SIDECAR_DAEMONS=egress",
    "--env",
    `BOT_BOTTLE_EGRESS_LISTEN=127.0.0.1:${port}`,
    "--env",
    "BOT_BOTTLE_EGRESS_UPSTREAM_CA=/state/egress/upstream-ca.pem",
    "--env",
    `BOT_BOTTLE_EGRESS_CONNECT_TO=bench.test:443=127.0.0.1:${originPort},bench.test:${
      new URL(UPLOAD_ORIGIN).port
    }=127.0.0.1:${uploadPort}`,
    image,
  ]);
  const stop = async () => {
    await docker(["rm", "--force", id]);
    origin.kill("SIGTERM");
    await origin.status;
  };
  try {
    for (let waited = 0;; waited += 100) {
      if ((await docker(["logs", id])).stderr.includes('"event":"listening"')) break;
      if (waited > 30_000) throw new Error("the sidecar's egress never listened");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const top = await dockerOk(["top", id, "-eo", "pid,args"]);
    const egress = Number(/^\s*(\d+)\s.*--daemon egress/m.exec(top)?.[1]);
    const init = Number(/^\s*(\d+)\s+deno run .*\/app\/sidecar\.js\s*$/m.exec(top)?.[1]);
    if (!(egress > 0 && init > 0)) throw new Error(`no egress or init process in:\n${top}`);
    return { id, port, egress, init, ca: join(state, "ca", "ca.pem"), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** curl's arguments to go through the sidecar on `port`, trusting its CA. */
function via(port: number, ca: string): string[] {
  return ["--proxy", `http://127.0.0.1:${port}`, "--cacert", ca];
}

/** The sidecar a load runs through. */
interface Target {
  port: number;
  ca: string;
  /** The egress daemon's host PID. */
  egress: number;
}

/**
 * Small keep-alive requests (8 connections) in slices until {@link SMALL_REQUESTS}; prints the
 * egress daemon's RSS after the first 10k and at the end, and what each is made of: anonymous
 * memory (the heap, the runtime's allocations) and the runtime binary's file pages.
 */
async function smallRequests({ port, ca, egress }: Target): Promise<void> {
  const options = {
    mode: "small",
    host: "bench.test",
    port: 443,
    ca,
    proxy: { host: "127.0.0.1", port },
    connections: 8,
  };
  let done = 0;
  /** One slice of load; a slice that got nothing through ends the load rather than loop. */
  const slice = async (seconds: number) => {
    const { requests } = await load({ ...options, seconds });
    if (!(requests! > 0)) throw new Error("small requests: a slice got no request through");
    done += requests!;
  };
  while (done < 10_000) await slice(1);
  const early = { done, rss: rssMiB(egress), parts: rssParts(egress) };
  while (done < SMALL_REQUESTS) await slice(10);
  const late = rssMiB(egress);
  console.log(
    `small requests: egress RSS ${
      early.rss.toFixed(1)
    } MiB after ${early.done} (${early.parts}), ` +
      `${late.toFixed(1)} MiB after ${done} (${rssParts(egress)}; ${
        (((late - early.rss) / early.rss) * 100).toFixed(1)
      }%)`,
  );
}

/** A process's resident memory as anonymous and file pages (MiB). */
function rssParts(pid: number): string {
  const mib = (field: string) => rssMiB(pid, field).toFixed(1);
  return `anonymous ${mib("RssAnon")}, file ${mib("RssFile")}`;
}

const LOADS: [string, string, (target: Target) => Promise<void>][] = [
  ["idle", "idle", async () => {}],
  ["small", "small requests, 8 connections", smallRequests],
  ["many", "200 connections x 20 MiB", ({ port, ca }) =>
    curl([
      ...via(port, ca),
      "--parallel",
      "--parallel-max",
      "200",
      ...Array.from({ length: 200 }, (_, i) => [
        "-o",
        "/dev/null",
        `https://bench.test/big?mb=20&i=${i}`,
      ]).flat(),
    ])],
  [
    "down",
    "1 GiB download",
    ({ port, ca }) => curl([...via(port, ca), "https://bench.test/big?mb=1024"]),
  ],
  [
    "up",
    "1 GiB upload",
    ({ port, ca }) => uploadVia(via(port, ca), `${UPLOAD_ORIGIN}/upload`, 1024),
  ],
];

async function main(): Promise<void> {
  const unknown = Deno.args.filter((arg) => !LOADS.some(([key]) => key === arg));
  if (unknown.length > 0) {
    throw new Error(`unknown load ${unknown[0]} (expected ${LOADS.map(([k]) => k).join(", ")})`);
  }
  const chosen = LOADS.filter(([key]) => Deno.args.length === 0 || Deno.args.includes(key));
  const cache = await Deno.makeTempDir({ prefix: "bb-bench-sidecar-" });
  const rows: Row[] = [];
  try {
    const image = await sidecarImage(cache);
    console.log(`sidecar image ${image} (base ${BASE})`);
    for (const [, label, run] of chosen) {
      const dir = await Deno.makeTempDir({ prefix: "bb-bench-sidecar-" });
      const sidecar = await startSidecar(image, dir);
      try {
        // Let the start-up settle as bench:memory does.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const egressBefore = rssMiB(sidecar.egress);
        const containerBefore = await containerMemory(sidecar.id);
        let egressPeak = egressBefore;
        const sampler = setInterval(() => {
          egressPeak = Math.max(egressPeak, rssMiB(sidecar.egress));
        }, 50);
        const started = performance.now();
        try {
          await run(sidecar);
        } finally {
          clearInterval(sampler);
        }
        const seconds = (performance.now() - started) / 1000;
        rows.push({
          label,
          egressBefore,
          egressPeak: Math.max(egressPeak, rssMiB(sidecar.egress)),
          initRss: rssMiB(sidecar.init),
          containerBefore,
          containerAfter: await containerMemory(sidecar.id),
          seconds,
        });
      } finally {
        await sidecar.stop();
        await Deno.remove(dir, { recursive: true });
      }
    }
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
  const mib = (n: number) => n.toFixed(0);
  printTable(
    [
      "load (sidecar, MiB)",
      "egress RSS before",
      "peak",
      "growth",
      "init RSS",
      "container before",
      "after",
      "seconds",
    ],
    rows.map((r) => [
      r.label,
      mib(r.egressBefore),
      mib(r.egressPeak),
      `+${mib(r.egressPeak - r.egressBefore)}`,
      mib(r.initRss),
      r.containerBefore,
      r.containerAfter,
      r.seconds.toFixed(1),
    ]),
  );
}

await main();
