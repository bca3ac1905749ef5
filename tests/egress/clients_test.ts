/**
 * Every HTTP client an agent is likely to use works through the proxy when it trusts the bottle
 * CA the way the bottle configures it (SPEC §5: NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, …).
 */
import assert from "node:assert/strict";
import { run, startBed } from "./_harness.ts";

const ROUTES = "routes:\n  - host: api.test\n";

Deno.test("egress proxy serves Deno fetch through a proxy-aware client", async () => {
  await using bed = await startBed(ROUTES);
  const client = Deno.createHttpClient({ proxy: { url: bed.proxyUrl }, caCerts: [bed.caPem] });
  try {
    const ok = await fetch("https://api.test/deno", { client });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { ok: true, path: "/deno" });
    const blocked = await fetch("https://nope.test/", { client });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.headers.get("x-bot-bottle-block"), "no_route");
    assert.equal((await blocked.json()).error, "egress_blocked");
  } finally {
    client.close();
  }
});

Deno.test("egress proxy serves Node's https module with NODE_EXTRA_CA_CERTS", async () => {
  await using bed = await startBed(ROUTES);
  const script = `
const http = require("http"), tls = require("tls");
const u = new URL(process.env.HTTPS_PROXY);
const req = http.request({ host: u.hostname, port: u.port, method: "CONNECT", path: "api.test:443" });
req.on("connect", (_res, socket) => {
  const s = tls.connect({ socket, servername: "api.test" }, () => {
    s.write("GET /node HTTP/1.1\\r\\nHost: api.test\\r\\nConnection: close\\r\\n\\r\\n");
  });
  let out = ""; s.on("data", (d) => out += d); s.on("end", () => { console.log(out.split("\\r\\n")[0]); });
  s.on("error", (e) => { console.log("ERR " + e.message); });
});
req.end();`;
  const result = await run("node", ["-e", script], {
    env: {
      HTTPS_PROXY: bed.proxyUrl,
      NODE_EXTRA_CA_CERTS: bed.caPath,
      PATH: Deno.env.get("PATH")!,
    },
  });
  assert.equal(result.stdout.trim(), "HTTP/1.1 200 OK", result.stderr);
});

Deno.test("egress proxy serves Python urllib with SSL_CERT_FILE", async () => {
  await using bed = await startBed(ROUTES);
  const script = [
    "import urllib.request, urllib.error",
    "print(urllib.request.urlopen('https://api.test/py').read().decode())",
    "try:",
    "    urllib.request.urlopen('https://nope.test/')",
    "except urllib.error.HTTPError as e:",
    "    print(e.code, e.headers['X-Bot-Bottle-Block'])",
  ].join("\n");
  const result = await run("python3", ["-c", script], {
    env: { HTTPS_PROXY: bed.proxyUrl, SSL_CERT_FILE: bed.caPath, PATH: Deno.env.get("PATH")! },
  });
  assert.equal(result.code, 0, result.stderr);
  const [first, second] = result.stdout.trim().split("\n");
  assert.deepEqual(JSON.parse(first!), { ok: true, path: "/py" });
  assert.equal(second, "403 no_route");
});

Deno.test("egress proxy keeps a client connection alive across requests", async () => {
  await using bed = await startBed(ROUTES);
  const result = await run("curl", [
    "-sS",
    "--proxy",
    bed.proxyUrl,
    "--cacert",
    bed.caPath,
    "-o",
    "/dev/null",
    "-o",
    "/dev/null",
    "-w",
    "%{num_connects}\n",
    "https://api.test/one",
    "https://api.test/two",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    result.stdout.trim().split("\n"),
    ["1", "0"],
    "second request reused the tunnel",
  );
  assert.equal(bed.seen.length, 2);
});
