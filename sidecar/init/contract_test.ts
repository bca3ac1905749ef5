/**
 * The sidecar contract seen from both ends: what the host writes with `sidecarEnvironment()` is
 * what each daemon reads back, and the sidecar's permission set covers every mount it is given.
 */
import assert from "node:assert/strict";
import {
  BODY_RUNTIME_FLAGS,
  SIDECAR_DNS_PORT,
  SIDECAR_MOUNTS,
  SIDECAR_PORTS,
  SIDECAR_RUNTIME_ROOTS,
  sidecarEnvironment,
} from "../../core/sidecar_contract/mod.ts";
import { egressConfig, egressPermissions } from "./_egress_daemon.ts";
import { gitGateConfig } from "./_git_gate_daemon.ts";
import { superviseConfig } from "./_supervise_daemon.ts";
import { parseDaemonList } from "./_daemons.ts";

const ENV = sidecarEnvironment({
  daemons: ["egress", "supervise", "git-gate"],
  slug: "dev-1a2b3c",
  listenSubnet: "172.20.0.0/16",
  upstreamCa: true,
  connectTo: ["example.com:443=172.30.0.2:8443"],
  timeouts: {
    SUPERVISE_RESPONSE_TIMEOUT_SECONDS: 7,
    EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS: 9,
    BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS: 60,
  },
});

Deno.test("every daemon reads back what the host wrote", () => {
  assert.deepEqual(parseDaemonList(ENV.BOT_BOTTLE_SIDECAR_DAEMONS), [
    "egress",
    "supervise",
    "git-gate",
  ]);
  const subnet = { network: (172 << 24 | 20 << 16) >>> 0, prefix: 16 };
  assert.deepEqual(egressConfig(ENV), {
    routesFile: `${SIDECAR_MOUNTS.egress}/routes.yaml`,
    caDir: `${SIDECAR_MOUNTS.egress}/ca`,
    listen: { hostname: "0.0.0.0", port: SIDECAR_PORTS.egress },
    listenSubnet: subnet,
    dnsListen: { hostname: "0.0.0.0", port: SIDECAR_DNS_PORT },
    upstreamCaFile: `${SIDECAR_MOUNTS.egress}/upstream-ca.pem`,
    operator: { queueDir: SIDECAR_MOUNTS.queue, bottleSlug: "dev-1a2b3c", timeoutMs: 9_000 },
    connectTo: new Map([["example.com:443", { address: "172.30.0.2", port: 8443 }]]),
    supervise: true,
    upstreamTimeouts: { connectMs: 10_000, responseMs: 60_000, stallMs: 300_000 },
  });
  assert.deepEqual(superviseConfig(ENV), {
    routesFile: `${SIDECAR_MOUNTS.egress}/routes.yaml`,
    listen: { hostname: "0.0.0.0", port: SIDECAR_PORTS.supervise },
    listenSubnet: subnet,
    queueDir: SIDECAR_MOUNTS.queue,
    bottleSlug: "dev-1a2b3c",
    responseTimeoutMs: 7_000,
  });
  const gate = gitGateConfig(ENV);
  assert.equal(gate.configDir, SIDECAR_MOUNTS.gitGate);
  assert.equal(gate.mirrorDir, SIDECAR_MOUNTS.gitMirrors);
  assert.deepEqual(gate.listen, { hostname: "0.0.0.0", port: SIDECAR_PORTS.gitGate });
  assert.deepEqual(gate.listenSubnet, subnet);
  assert.equal(gate.allowTimeoutMs, 300_000, "an unset timeout is the contract's default");
});

Deno.test("the sidecar's permission set reads and writes every mount it is given", async () => {
  const text = await Deno.readTextFile(new URL("../../deno.json", import.meta.url));
  const config = JSON.parse(text.replace(/^\s*\/\/.*$/gm, "")) as {
    permissions: { sidecar: { read: string[]; write: string[] } };
  };
  const { read, write } = config.permissions.sidecar;
  // The image runs the bundle without a config, so its entrypoint spells the same set out.
  const dockerfile = await Deno.readTextFile(
    new URL("../../images/sidecar/Dockerfile", import.meta.url),
  );
  const flag = (name: string) =>
    [...dockerfile.matchAll(/"--allow-([a-z]+)=([^"]*)"/g)].find((m) => m[1] === name)?.[2]
      ?.split(",");
  assert.deepEqual(flag("read"), read, "the image reads what deno.json's set reads");
  assert.deepEqual(flag("write"), write, "the image writes what deno.json's set writes");
  assert.match(
    dockerfile,
    new RegExp(`^EXPOSE ${Object.values(SIDECAR_PORTS).join(" ")}$`, "m"),
    "the image exposes the contract's ports",
  );
  const covered = (list: string[], path: string) =>
    list.some((p) => path === p || path.startsWith(`${p}/`));
  for (const path of [SIDECAR_MOUNTS.egress, SIDECAR_MOUNTS.gitGate]) {
    assert.ok(covered(read, path), `the sidecar may not read ${path}`);
  }
  for (const path of [SIDECAR_MOUNTS.queue, SIDECAR_MOUNTS.gitMirrors]) {
    assert.ok(covered(read, path) && covered(write, path), `the sidecar may not write ${path}`);
  }
});

Deno.test("the image's code cache is made and used under the daemons' V8 flags", async () => {
  const dockerfile = await Deno.readTextFile(
    new URL("../../images/sidecar/Dockerfile", import.meta.url),
  );
  // V8 rejects a code cache made under other flags: the warm-up (a RUN line), the init process
  // (the ENTRYPOINT) and every daemon (BODY_RUNTIME_FLAGS) must agree.
  const [flags] = BODY_RUNTIME_FLAGS;
  const warmUp =
    /^RUN DENO_DIR=\/app\/deno-cache deno run [^\n]*\\\n\s+(\S+) \/app\/sidecar\.js --warm-cache/m
      .exec(dockerfile);
  assert.equal(warmUp?.[1], flags, "the warm-up runs under the daemons' V8 flags");
  const entrypoint = dockerfile.slice(dockerfile.indexOf("ENTRYPOINT"));
  assert.ok(entrypoint.includes(`"${flags}"`), "the init process runs under the daemons' V8 flags");
  assert.match(entrypoint, /cp -R \/app\/deno-cache\/\. \\"\$DENO_DIR\\"\//);
});

Deno.test("the image writes the runtime's roots where the egress daemon may read them", async () => {
  const dockerfile = await Deno.readTextFile(
    new URL("../../images/sidecar/Dockerfile", import.meta.url),
  );
  const dir = SIDECAR_RUNTIME_ROOTS.slice(0, SIDECAR_RUNTIME_ROOTS.lastIndexOf("/"));
  const step =
    /^RUN deno run [^\n]*--allow-sys --allow-write=(\S+) \\\n\s+\/app\/sidecar\.js --runtime-roots (\S+)$/m
      .exec(dockerfile);
  assert.equal(step?.[2], SIDECAR_RUNTIME_ROOTS, "the build writes the list the daemon reads");
  assert.equal(step?.[1], dir, "and may write only its folder");
  const { read } = egressPermissions(egressConfig(ENV));
  assert.ok(
    read.some((p) => SIDECAR_RUNTIME_ROOTS.startsWith(`${p}/`)),
    `the egress daemon may not read ${SIDECAR_RUNTIME_ROOTS}`,
  );
});
