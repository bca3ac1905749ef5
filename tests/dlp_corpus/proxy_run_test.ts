/**
 * The bench's proxy run counts what the proxy does, in each way it refuses: at CONNECT (a host no
 * route names), with a 403 before the response head, in band at the end of an event stream, and
 * by cutting a body already under way; and an answer the origin completed counts as passed.
 * Cases here are synthetic, built on the bottle's own secrets, so they hold whatever the
 * detectors become.
 */
import assert from "node:assert/strict";
import { startCorpusBed } from "../bench/_corpus_bed.ts";
import { sendThroughProxy } from "../bench/_corpus_client.ts";
import { type CorpusCase, PROVISIONED_CANARY, PROVISIONED_SECRETS } from "./mod.ts";

const SECRET = PROVISIONED_SECRETS[0];

function inboundCase(target: string, response: CorpusCase["response"]): CorpusCase {
  return {
    id: target,
    class: "test",
    label: "malicious",
    direction: "inbound",
    what: target,
    host: "api.corpus.test",
    request: { method: "GET", target, headers: [] },
    ...(response === undefined ? {} : { response }),
  };
}

const CASES: Record<string, CorpusCase> = {
  plain: inboundCase("/plain", {
    status: 200,
    contentType: "application/json",
    headers: [],
    body: '{"id":42}',
  }),
  echoed: inboundCase("/echoed", {
    status: 200,
    contentType: "text/plain",
    headers: [],
    body: `your key is ${SECRET}`,
  }),
  stream: inboundCase("/stream", {
    status: 200,
    contentType: "text/event-stream",
    headers: [],
    events: ["data: first", `data: the key is ${SECRET}`, "data: last"],
  }),
  long: inboundCase("/long", {
    status: 200,
    contentType: "text/plain",
    headers: [],
    body: "lorem ipsum ".repeat(200_000) + SECRET,
  }),
  canary: {
    id: "canary",
    class: "test",
    label: "malicious",
    direction: "outbound",
    what: "canary",
    host: "collect.corpus.test",
    request: { method: "POST", target: "/in", headers: [], body: `x=${PROVISIONED_CANARY}` },
  },
  subdomain: {
    id: "subdomain",
    class: "test",
    label: "malicious",
    direction: "outbound",
    what: "subdomain",
    host: "deadbeef.collect.corpus.test",
    request: { method: "GET", target: "/", headers: [] },
  },
};

Deno.test("the corpus bench classifies refusals and passes as the proxy gives them", async () => {
  await using bed = await startCorpusBed(Object.values(CASES));
  const proxy = { port: bed.proxyPort, caPem: bed.proxyCaPem };
  const run = (name: string) => sendThroughProxy(CASES[name]!, proxy);
  assert.deepEqual(await run("plain"), { kind: "passed", detail: "200" });
  assert.equal((await run("echoed")).kind, "refused");
  assert.match((await run("stream")).detail, /\(SSE event\)$/);
  assert.equal((await run("long")).kind, "cut");
  assert.deepEqual(await run("canary"), { kind: "refused", detail: "dlp_canary" });
  assert.equal((await run("subdomain")).kind, "refused");
});
