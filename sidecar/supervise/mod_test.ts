/**
 * The supervise server in process on 127.0.0.1:0, driven by the MCP SDK's own client over
 * streamable HTTP, with a temp routes file and queue directory and the operator played by
 * `writeResponse` from the shared queue module.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type Proposal,
  type ProposalResponse,
  proposalSchema,
  writeResponse,
} from "../../core/queue/mod.ts";
import { startSuperviseServer, type SuperviseOptions, type SuperviseServer } from "./mod.ts";

const ROUTES = "routes:\n  - host: api.github.com\n    auth:\n      scheme: Bearer\n" +
  "      token_ref: EGRESS_TOKEN_1\n";

interface Bed extends AsyncDisposable {
  dir: string;
  queueDir: string;
  routesFile: string;
  server: SuperviseServer;
  client: Client;
  url: URL;
  logs: string[];
}

async function makeBed(options: Partial<SuperviseOptions> = {}): Promise<Bed> {
  const dir = await Deno.makeTempDir({ prefix: "bb-supervise-" });
  const routesFile = join(dir, "routes.yaml");
  const queueDir = join(dir, "queue");
  await Deno.writeTextFile(routesFile, ROUTES);
  const logs: string[] = [];
  const server = await startSuperviseServer({
    routesFile,
    queueDir,
    bottleSlug: "dev-1",
    responseTimeoutMs: 5_000,
    listen: { hostname: "127.0.0.1", port: 0 },
    pollMs: 10,
    log: (line) => logs.push(line),
    ...options,
  });
  const url = new URL(`http://127.0.0.1:${server.address.port}/mcp`);
  const client = new Client({ name: "supervise-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(url));
  return {
    dir,
    queueDir,
    routesFile,
    server,
    client,
    url,
    logs,
    async [Symbol.asyncDispose]() {
      await client.close();
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** The text of a tool result. */
function text(result: Awaited<ReturnType<Client["callTool"]>>): string {
  const content = result.content as { type: string; text: string }[];
  return content.map((c) => c.text).join("\n");
}

/** File names in a directory (none when it does not exist). */
async function names(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/** Wait for the one queued proposal. */
async function queued(queueDir: string): Promise<Proposal> {
  for (let i = 0; i < 500; i++) {
    const file = (await names(queueDir)).find((n) => n.endsWith(".proposal.json"));
    if (file !== undefined) {
      return proposalSchema.parse(JSON.parse(await Deno.readTextFile(join(queueDir, file))));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("no proposal arrived");
}

/** Play the operator: wait for the one proposal, then answer it. */
async function operator(queueDir: string, response: ProposalResponse): Promise<Proposal> {
  const proposal = await queued(queueDir);
  await writeResponse(queueDir, proposal.id, response);
  return proposal;
}

const NEW_ROUTES = `${ROUTES}  - host: pypi.org\n    matches:\n      - methods: [GET]\n`;

Deno.test("startSuperviseServer() lists its three tools with descriptions and input schemas", async () => {
  await using bed = await makeBed();
  const { tools } = await bed.client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), [
    "capability-block",
    "egress-allow",
    "list-egress-routes",
  ]);
  for (const tool of tools) assert.ok((tool.description ?? "").length > 80, tool.name);
  const allow = tools.find((t) => t.name === "egress-allow")!;
  assert.deepEqual(allow.inputSchema.required, ["routes_yaml", "justification"]);
  const props = allow.inputSchema.properties as Record<string, { description?: string }>;
  assert.match(props.routes_yaml?.description ?? "", /list-egress-routes/);
  const block = tools.find((t) => t.name === "capability-block")!;
  assert.deepEqual(block.inputSchema.required, ["dockerfile", "justification"]);
});

Deno.test("list-egress-routes returns the live routes with token slot names only", async () => {
  await using bed = await makeBed();
  const result = await bed.client.callTool({ name: "list-egress-routes", arguments: {} });
  assert.notEqual(result.isError, true);
  assert.equal(text(result), ROUTES);
  await Deno.writeTextFile(bed.routesFile, "routes:\n  - host: Example.COM\n");
  const after = await bed.client.callTool({ name: "list-egress-routes", arguments: {} });
  assert.equal(text(after), "routes:\n  - host: example.com\n");
});

Deno.test("list-egress-routes reports a routes file that is missing or does not load", async () => {
  await using bed = await makeBed();
  await Deno.writeTextFile(bed.routesFile, "routes:\n  - host: a.test\n    bogus: 1\n");
  const broken = await bed.client.callTool({ name: "list-egress-routes", arguments: {} });
  assert.equal(broken.isError, true);
  assert.match(text(broken), new RegExp(`^Cannot list egress routes: ${bed.routesFile}:3:5: `));
  await Deno.remove(bed.routesFile);
  const missing = await bed.client.callTool({ name: "list-egress-routes", arguments: {} });
  assert.equal(missing.isError, true);
  assert.match(text(missing), /^Cannot read the egress routes file .*routes\.yaml: /);
});

Deno.test("egress-allow queues a valid proposal and answers approved once the operator approves", async () => {
  await using bed = await makeBed();
  const answered = operator(bed.queueDir, { status: "approved", notes: "ok for pypi" });
  const result = await bed.client.callTool({
    name: "egress-allow",
    arguments: { routes_yaml: NEW_ROUTES, justification: "pip install needs pypi.org" },
  });
  const proposal = await answered;
  assert.notEqual(result.isError, true);
  assert.equal(
    text(result),
    `status: approved\nid: ${proposal.id}\nnotes: ok for pypi\n` +
      "The new routes are live in this bottle now.",
  );
  assert.equal(proposal.tool, "egress-allow");
  assert.equal(proposal.bottle_slug, "dev-1");
  assert.equal(proposal.proposed_file, NEW_ROUTES);
  assert.equal(proposal.justification, "pip install needs pypi.org");
  assert.equal(proposal.current_file_hash, createHash("sha256").update(ROUTES).digest("hex"));
  assert.deepEqual(await names(bed.queueDir), ["processed"]);
  assert.deepEqual(await names(join(bed.queueDir, "processed")), [
    `${proposal.id}.proposal.json`,
    `${proposal.id}.response.json`,
  ]);
  assert.ok(bed.logs.some((l) => JSON.parse(l).event === "decision"));
});

Deno.test("egress-allow shows what the operator applied when they modified the proposal", async () => {
  await using bed = await makeBed();
  const finalFile = `${ROUTES}  - host: files.pythonhosted.org\n`;
  const answered = operator(bed.queueDir, {
    status: "modified",
    notes: "narrowed",
    final_file: finalFile,
  });
  const result = await bed.client.callTool({
    name: "egress-allow",
    arguments: { routes_yaml: NEW_ROUTES, justification: "pip" },
  });
  const proposal = await answered;
  assert.notEqual(result.isError, true);
  assert.match(
    text(result),
    new RegExp(`^status: modified\nid: ${proposal.id}\nnotes: narrowed\n`),
  );
  assert.ok(text(result).endsWith(`this is what was applied:\n\n${finalFile}`));
});

Deno.test("egress-allow returns an error with the operator's reason when rejected", async () => {
  await using bed = await makeBed();
  const answered = operator(bed.queueDir, { status: "rejected", notes: "use the mirror" });
  const result = await bed.client.callTool({
    name: "egress-allow",
    arguments: { routes_yaml: NEW_ROUTES, justification: "pip" },
  });
  const proposal = await answered;
  assert.equal(result.isError, true);
  assert.equal(text(result), `status: rejected\nid: ${proposal.id}\nreason: use the mirror`);
  assert.deepEqual(await names(bed.queueDir), ["processed"]);
  assert.equal((await names(join(bed.queueDir, "processed"))).length, 2);
});

Deno.test("egress-allow refuses an invalid routes file with file:line:col and queues nothing", async () => {
  await using bed = await makeBed();
  const cases: [string, RegExp][] = [
    [
      "routes:\n  - host: pypi.org\n    bogus: 1\n",
      /^Cannot queue egress-allow: routes_yaml:3:5: /,
    ],
    ["routes:\n  - host: '*.pypi.org'\n", /^Cannot queue egress-allow: routes_yaml:2:\d+: /],
    ["routes: [\n", /^Cannot queue egress-allow: routes_yaml:\d+:\d+: /],
    ["", /^Cannot queue egress-allow: routes_yaml:1:1: /],
  ];
  for (const [routes_yaml, message] of cases) {
    const result = await bed.client.callTool({
      name: "egress-allow",
      arguments: { routes_yaml, justification: "pip" },
    });
    assert.equal(result.isError, true, routes_yaml);
    assert.match(text(result), message);
    assert.match(text(result), /Nothing was queued\.$/);
  }
  assert.deepEqual(await names(bed.queueDir), []);
});

Deno.test("egress-allow refuses control and bidi characters that could hide lines from the operator", async () => {
  await using bed = await makeBed();
  // Valid YAML: the carriage return sits in a comment, and would overwrite the line on a terminal.
  const hidden = "routes:\n  - host: pypi.org\n  - host: evil.example # \r  # nothing here\n";
  for (
    const args of [
      { routes_yaml: hidden, justification: "pip" },
      { routes_yaml: NEW_ROUTES, justification: "pip\u001b[2K" },
      { routes_yaml: NEW_ROUTES, justification: "for pip \u202e;llac-ot-rehto" },
      { routes_yaml: `${NEW_ROUTES}# \u2066hidden\u2069\n`, justification: "pip" },
      { routes_yaml: NEW_ROUTES, justification: "pip\u200b" },
    ]
  ) {
    const result = await bed.client.callTool({ name: "egress-allow", arguments: args });
    assert.equal(result.isError, true);
    assert.match(text(result), /not queued: .*contains U\+[0-9A-F]{4} at line \d+, column \d+/);
  }
  assert.deepEqual(await names(bed.queueDir), []);
});

Deno.test("egress-allow refuses more than 20 waiting proposals of one bottle", async () => {
  await using bed = await makeBed({ responseTimeoutMs: 10 });
  for (let i = 0; i < 20; i++) {
    const result = await bed.client.callTool({
      name: "egress-allow",
      arguments: { routes_yaml: NEW_ROUTES, justification: `pip ${i}` },
    });
    assert.match(text(result), /^status: pending/);
  }
  const refused = await bed.client.callTool({
    name: "egress-allow",
    arguments: { routes_yaml: NEW_ROUTES, justification: "one more" },
  });
  assert.equal(refused.isError, true);
  assert.match(text(refused), /20 proposals of this bottle already wait for the operator/);
  assert.equal((await names(bed.queueDir)).length, 20);
});

Deno.test("egress-allow answers pending after the timeout and leaves the proposal queued", async () => {
  await using bed = await makeBed({ responseTimeoutMs: 200 });
  const result = await bed.client.callTool({
    name: "egress-allow",
    arguments: { routes_yaml: NEW_ROUTES, justification: "pip" },
  });
  assert.notEqual(result.isError, true);
  const [file, ...rest] = await names(bed.queueDir);
  assert.deepEqual(rest, []);
  const id = file!.replace(/\.proposal\.json$/, "");
  assert.equal(
    text(result),
    `status: pending\nid: ${id}\nnotes: operator response timed out after 0.2s; proposal remains queued`,
  );
  assert.equal((await Deno.stat(join(bed.queueDir, file!))).mode! & 0o777, 0o600);
});

Deno.test("egress-allow fails closed on a malformed operator answer", async () => {
  await using bed = await makeBed();
  const answered = queued(bed.queueDir).then(async ({ id }) => {
    await Deno.writeTextFile(join(bed.queueDir, `${id}.response.json`), '{"status":"yes"}');
    return id;
  });
  const result = await bed.client.callTool({
    name: "egress-allow",
    arguments: { routes_yaml: NEW_ROUTES, justification: "pip" },
  });
  const id = await answered;
  assert.equal(result.isError, true);
  assert.match(text(result), new RegExp(`^status: error\nid: ${id}\nnotes: the operator's answer`));
});

Deno.test("capability-block queues the Dockerfile and says the next resume builds from it", async () => {
  await using bed = await makeBed();
  const dockerfile = "FROM debian:bookworm\nRUN apt-get install -y jq\n";
  const answered = operator(bed.queueDir, { status: "approved", notes: "" });
  const result = await bed.client.callTool({
    name: "capability-block",
    arguments: { dockerfile, justification: "needs jq" },
  });
  const proposal = await answered;
  assert.notEqual(result.isError, true);
  assert.equal(
    text(result),
    `status: approved\nid: ${proposal.id}\nnotes: (none)\n` +
      "The next `bot-bottle resume` of this bottle builds it from this Dockerfile.",
  );
  assert.equal(proposal.tool, "capability-block");
  assert.equal(proposal.proposed_file, dockerfile);
  assert.equal(proposal.current_file_hash, "");
});

Deno.test("capability-block and egress-allow refuse an empty Dockerfile or justification", async () => {
  await using bed = await makeBed();
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      "capability-block",
      { dockerfile: " \n\t", justification: "x" },
      /^Cannot queue capability-block: dockerfile is empty; send the complete proposed Dockerfile\n/,
    ],
    [
      "capability-block",
      { dockerfile: "FROM x", justification: " " },
      /^Cannot queue capability-block: justification is empty/,
    ],
    [
      "egress-allow",
      { routes_yaml: NEW_ROUTES, justification: "" },
      /^Cannot queue egress-allow: justification is empty/,
    ],
  ];
  for (const [name, args, message] of cases) {
    const result = await bed.client.callTool({ name, arguments: args });
    assert.equal(result.isError, true, name);
    assert.match(text(result), message);
  }
  assert.deepEqual(await names(bed.queueDir), []);
});

Deno.test("startSuperviseServer() answers 413 to an oversized body and 405 to GET", async () => {
  await using bed = await makeBed({ maxBodyBytes: 4096 });
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: {
      name: "egress-allow",
      arguments: { routes_yaml: "x".repeat(5000), justification: "" },
    },
  });
  const headers = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  const res = await fetch(bed.url, { method: "POST", headers, body });
  assert.equal(res.status, 413);
  assert.match((await res.json()).error.message, /larger than 4096 bytes/);
  // Chunked (no Content-Length) is counted as it streams.
  const chunked = await fetch(bed.url, {
    method: "POST",
    headers,
    body: ReadableStream.from([new TextEncoder().encode(body)]),
  });
  assert.equal(chunked.status, 413);
  await chunked.body?.cancel();
  const get = await fetch(bed.url);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  await get.body?.cancel();
  assert.deepEqual(await names(bed.queueDir), []);
});

Deno.test("startSuperviseServer() stops reading an endless or a 1 GiB body at its cap: 413", async () => {
  await using bed = await makeBed();
  const cases: [string, string[]][] = [
    ["endless, chunked", []],
    ["1 GiB declared", ["-H", "Content-Length: 1073741824", "-H", "Transfer-Encoding:"]],
  ];
  for (const [label, framing] of cases) {
    // curl reads /dev/zero as it sends: the body never ends unless the server stops taking it.
    const out = await new Deno.Command("curl", {
      args: [
        "-sS",
        "--max-time",
        "30",
        "-w",
        "\n%{http_code} %{size_upload}",
        "-H",
        "content-type: application/json",
        "-H",
        "accept: application/json, text/event-stream",
        ...framing,
        "-X",
        "POST",
        "-T",
        "/dev/zero",
        bed.url.href,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const lines = new TextDecoder().decode(out.stdout).split("\n");
    const [status, uploaded] = lines.pop()!.split(" ");
    assert.equal(status, "413", `${label}: ${new TextDecoder().decode(out.stderr)}`);
    assert.match(JSON.parse(lines.join("\n")).error.message, /larger than 1048576 bytes/);
    // What curl got to send: the 1 MiB the server read, plus what the sockets' buffers took.
    assert.ok(Number(uploaded) < 64 * 1024 * 1024, `${label}: curl sent ${uploaded} bytes`);
  }
  assert.deepEqual(await names(bed.queueDir), []);
});

/** Start a POST whose body sends `bytes` and then stalls until `stop` aborts it. */
function stalledPost(url: URL, bytes: number, stop: AbortSignal): Promise<unknown> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(bytes).fill(0x20));
    },
  });
  return fetch(url, { method: "POST", body, signal: stop }).catch(() => {});
}

/** POST `tools/list` until the status is `want` (or fail after a few seconds). */
async function untilStatus(url: URL, want: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (true) {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    const text = await res.text();
    if (res.status === want) return text;
    assert.ok(Date.now() < deadline, `still ${res.status}, not ${want}: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test("startSuperviseServer() answers 503 while other requests' bodies hold its budget, then serves again", async () => {
  await using bed = await makeBed({ bodyBudgetBytes: 1024 * 1024 });
  const stop = new AbortController();
  // Four bodies of 256 KiB each, never finished: together they hold the whole budget.
  const stalled = Array.from({ length: 4 }, () => stalledPost(bed.url, 256 * 1024, stop.signal));
  assert.match(JSON.parse(await untilStatus(bed.url, 503)).error.message, /busy/);
  stop.abort();
  await Promise.all(stalled);
  assert.match(await untilStatus(bed.url, 200), /egress-allow/);
});

Deno.test("startSuperviseServer() answers 503 over its cap on requests at once, then serves again", async () => {
  await using bed = await makeBed({ maxRequests: 3 });
  const stop = new AbortController();
  const stalled = Array.from({ length: 3 }, () => stalledPost(bed.url, 10, stop.signal));
  assert.match(JSON.parse(await untilStatus(bed.url, 503)).error.message, /busy/);
  stop.abort();
  await Promise.all(stalled);
  assert.match(await untilStatus(bed.url, 200), /egress-allow/);
});

Deno.test("SuperviseServer.close() turns a waiting call into pending at once", async () => {
  await using bed = await makeBed({ responseTimeoutMs: 60_000 });
  const call = bed.client.callTool({
    name: "egress-allow",
    arguments: { routes_yaml: NEW_ROUTES, justification: "pip" },
  });
  for (let i = 0; i < 500 && (await names(bed.queueDir)).length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const started = Date.now();
  const closed = bed.server.close();
  assert.match(text(await call), /^status: pending\n/);
  await closed;
  assert.ok(Date.now() - started < 5_000);
});
