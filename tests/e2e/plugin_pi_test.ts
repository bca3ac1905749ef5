/**
 * A third real agent as data (issue 15): the example plugin `contrib/pi/` (the pi coding agent,
 * from npm), copied into the test home's `contrib/`, runs in a real bottle against the fake
 * Anthropic API of the test internet. The fake API gets the real key (injected by egress in
 * `x-api-key`) and never the placeholder, the agent file's prompt arrives in the system prompt,
 * nothing in the agent holds the key, and the agent prints the fake model's reply.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { providerLaunch } from "../../src/plan/mod.ts";
import { loadContribProvider } from "../../src/providers/mod.ts";
import { PLAIN_TEXT } from "./_harness/_fake_models.ts";
import { runCli, startWorld, writeAgent, writeBottle } from "./_harness/mod.ts";

/** What the agent file's body says, to be found in the model's system prompt. */
const PROMPT_MARKER = "BOT-BOTTLE-E2E-PI-PROMPT";
/** The CA bundle of this host: image builds reach npm through its TLS-inspecting proxy. */
const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** The plugin, as shipped in the repository. */
const PLUGIN = new URL("../../contrib/pi/", import.meta.url);
/** The host variable the plugin's provider.yaml takes the key from. */
const TOKEN_VAR = "PI_ANTHROPIC_API_KEY";

Deno.test("the contrib pi plugin runs in a bottle against the fake Anthropic API", async () => {
  await using world = await startWorld("plugin-pi");
  const contrib = join(world.home, "contrib", "pi");
  await Deno.mkdir(contrib, { recursive: true });
  for (const file of ["provider.yaml", "Dockerfile"]) {
    await Deno.copyFile(new URL(file, PLUGIN), join(contrib, file));
  }
  const plugin = await loadContribProvider(join(world.home, "contrib"), "pi");
  await writeBottle(world, "pi", { agent_provider: { template: "pi" }, supervise: true });
  await writeAgent(world, "pi", { bottle: "pi" }, `${PROMPT_MARKER}\n`);
  const token = `sk-ant-api03-e2e-${crypto.randomUUID().replaceAll("-", "")}`;
  const env = {
    [TOKEN_VAR]: token,
    BOT_BOTTLE_AGENT_BASE_IMAGE: world.nodeImage,
    BOT_BOTTLE_BUILD_CA_FILE: HOST_CA_BUNDLE,
    BOT_BOTTLE_EGRESS_CONNECT_TO: `${world.cliEnv.BOT_BOTTLE_EGRESS_CONNECT_TO},` +
      `api.anthropic.com:443=${world.upstreamIp}:443`,
  };
  const task = `pi-task-${crypto.randomUUID()}`;
  const probe = [
    `"$@" "${task}" >/tmp/agent.out 2>&1`,
    `echo "agent-exit=$?"; cat /tmp/agent.out`,
    `echo "placeholder=$ANTHROPIC_API_KEY"`,
    `echo "held=$( (cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline; grep -rsh . "$HOME" /tmp) 2>/dev/null | gzip | base64 -w0)"`,
  ].join("\n");
  const before = (await world.modelRequests()).length;
  const started = performance.now();
  const run = await runCli(world, [
    "start",
    "pi",
    "--yes",
    "--no-cwd",
    "--",
    "sh",
    "-c",
    probe,
    "probe",
    // The plugin's own command, as `start` would run it, in pi's non-interactive form.
    ...providerLaunch(plugin).command({ prompt: true, resume: false }),
    "-p",
  ], { env, timeoutMs: 15 * 60_000 });
  const out = run.stdout + run.stderr;
  const ms = Math.round(performance.now() - started);
  await Deno.stderr.write(new TextEncoder().encode(`pi run, image build included: ${ms} ms\n`));
  assert.equal(run.code, 0, out);
  assert.match(run.stdout, /agent-exit=0/, out);
  assert.match(run.stdout, new RegExp(PLAIN_TEXT), out);
  assert.match(run.stdout, /placeholder=bot-bottle-placeholder/, out);
  const held = await gunzip(run.stdout.match(/held=(\S+)/)?.[1] ?? "");
  assert.ok(held.length > 1000, "the probe dumped nothing");
  assert.ok(!held.includes(token), "the agent holds the real key");

  const requests = (await world.modelRequests()).slice(before)
    .filter((r) => r.host === "api.anthropic.com");
  const tasked = requests.filter((r) => JSON.stringify(r.body).includes(task));
  assert.ok(tasked.length > 0, `the fake API saw no request with the task:\n${out}`);
  for (const r of requests) {
    assert.equal(r.headers["x-api-key"], token, `${r.path}: the real key in x-api-key`);
    assert.equal(r.headers["authorization"], undefined, `${r.path}: no Authorization`);
    assert.ok(!JSON.stringify(r).includes("bot-bottle-placeholder"), "a placeholder reached it");
  }
  assert.ok(
    tasked.some((r) => JSON.stringify(r.body).includes(PROMPT_MARKER)),
    "the agent file's prompt is not in the system prompt",
  );
});

async function gunzip(base64: string): Promise<string> {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const stream = ReadableStream.from([bytes]).pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}
