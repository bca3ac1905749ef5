/**
 * Inbound DLP on responses (SPEC §6.1 step 9). Every response is scanned for the bottle's known
 * secrets (the tokens the sidecar injects among them), in its headers and its body, so an origin
 * that echoes a request cannot hand the agent a real credential: the route's `inbound_on_secret`
 * redacts them (same length, default) or refuses the response. Bodies are never passed unscanned:
 *
 * - compressed bodies (gzip, deflate, br) are decoded and forwarded decoded; other encodings are
 *   refused;
 * - `text/event-stream` is forwarded event by event, each event scanned before it is sent, both
 *   as bytes and as the text the events carry joined together (`_sse_text.ts`), so a phrase or
 *   a secret split between delta events is seen whole;
 * - other bodies are held up to `COMMIT_BYTES` (`_scanned_response.ts`) so a blocked response
 *   can still become a JSON 403; past that the head is committed and the rest streams with a
 *   held-back tail, and a block cuts the connection.
 */
import type { Buffer } from "node:buffer";
import { pipeline, Readable } from "node:stream";
import zlib from "node:zlib";
import { type Framing, keepAlive, type ParsedResponse, stripHopByHop } from "../http1/mod.ts";
import { sendBlock } from "./_block.ts";
import { screenResponseHead } from "./_reflection.ts";
import {
  type ForwardOptions,
  type ForwardResult,
  inboundDeny,
  ScannedResponse,
  upstreamBody,
} from "./_scanned_response.ts";
import type { Pace } from "./_transfers.ts";

/**
 * Forward an upstream response to the client through inbound DLP.
 *
 * @param response The upstream response head.
 * @param options Codecs, engine, detectors.
 * @returns Whether both connections can be reused, and the block, if any.
 */
export async function forwardResponse(
  response: ParsedResponse,
  options: ForwardOptions,
): Promise<ForwardResult> {
  const isSse = (response.headers.get("content-type") ?? "").toLowerCase().startsWith(
    "text/event-stream",
  );
  // An event stream is the agent's conversation with its model: it never waits behind downloads.
  const pace = isSse ? undefined : options.transfers.paceFor(response.framing);
  // Most responses have a small declared length: no pace, and no extra frame for them.
  if (pace === undefined) return forwardPaced(response, options, isSse, undefined);
  try {
    return await forwardPaced(response, options, isSse, pace);
  } finally {
    pace.end();
  }
}

/** {@link forwardResponse}, its body read at `pace` (none for an event stream or a small body). */
async function forwardPaced(
  response: ParsedResponse,
  options: ForwardOptions,
  isSse: boolean,
  pace: Pace | undefined,
): Promise<ForwardResult> {
  const upstreamKeep = keepAlive(response) && response.framing.kind !== "close";
  const encoding = (response.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  const scanning = (options.detectors.length > 0 || options.engine.protectsSecrets) &&
    response.framing.kind !== "none";
  const screened = screenResponseHead(
    { reason: response.reason, headers: stripHopByHop(response.headers) },
    options,
  );
  if (screened.action === "deny") {
    await sendBlock(options.client.writer, screened, options.host, options.refusal);
    return { upstreamReusable: false, clientReusable: false, blocked: screened };
  }
  const headers = screened.headers;
  const upstream = upstreamBody(options.upstream.reader, options.host);
  let body: AsyncIterable<Uint8Array> = pace === undefined ? upstream : pace.chunks(upstream);
  let framing: Framing = response.framing;
  if (scanning && encoding !== "identity") {
    const decoder = decoderFor(encoding);
    if (decoder === undefined) {
      const blocked = inboundDeny(
        `response from "${options.host}" uses content-encoding "${encoding}", which cannot be scanned`,
      );
      await sendBlock(options.client.writer, blocked, options.host, options.refusal);
      return { upstreamReusable: false, clientReusable: false, blocked };
    }
    body = decode(body, decoder);
    headers.delete("content-encoding");
    headers.delete("content-length");
    framing = { kind: "chunked" };
  }
  if (framing.kind === "close") framing = { kind: "chunked" };
  let clientKeep = options.clientKeepAlive;
  if (framing.kind === "chunked" && options.clientVersion === "HTTP/1.0") {
    framing = { kind: "close" };
    clientKeep = false;
  }
  if (!clientKeep) headers.set("Connection", "close");
  const head = {
    status: response.status,
    reason: screened.reason,
    version: "HTTP/1.1" as const,
    headers,
  };

  if (!scanning) {
    options.client.writer.writeResponseHead(head, framing);
    for await (const chunk of body) await options.client.writer.write(chunk);
    await options.client.writer.end();
    return { upstreamReusable: upstreamKeep, clientReusable: clientKeep };
  }
  const relay = new ScannedResponse(options, {
    head,
    framing,
    isSse,
    upstreamReusable: upstreamKeep,
    clientReusable: clientKeep,
  });
  return await relay.send(body, { paced: pace !== undefined });
}

function decoderFor(
  encoding: string,
): (() => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress) | undefined {
  if (encoding === "gzip" || encoding === "x-gzip") return () => zlib.createGunzip();
  if (encoding === "deflate") return () => zlib.createInflate();
  if (encoding === "br") return () => zlib.createBrotliDecompress();
  return undefined;
}

async function* decode(
  body: AsyncIterable<Uint8Array>,
  make: () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress,
): AsyncGenerator<Uint8Array> {
  const decoder = make();
  // pipeline() tears the source down when the decoder fails or the consumer stops early (a
  // blocked response), so nothing is left waiting for 'drain'.
  // One compressed chunk queued at a time (the default queues 16): the decoder's own buffers
  // and the reader's pace bound what a compressed response holds.
  pipeline(Readable.from(body, { highWaterMark: 1 }), decoder, () => {});
  try {
    for await (const chunk of decoder) yield chunk as Buffer;
  } finally {
    decoder.destroy();
  }
}
