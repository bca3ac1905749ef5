/**
 * Sends one corpus case through the proxy as a client would: a CONNECT tunnel, TLS trusting the
 * bottle CA, one HTTP/1.1 request written byte for byte as the case gives it, then reads the whole
 * answer and classifies it. A refusal is the proxy's own answer (a block tag on the CONNECT reply
 * or on the response, or the `egress_blocked` event that ends a refused event stream) or an
 * answer cut short; an answer the origin completed passed.
 */
import { Buffer } from "node:buffer";
import net from "node:net";
import tls from "node:tls";
import { bodyBytes, type CorpusCase } from "../dlp_corpus/mod.ts";

/** How the proxy treated one case. */
export interface Outcome {
  /** `refused`: a block answer; `cut`: the answer ended early; `passed`; `error`: client failure. */
  kind: "refused" | "cut" | "passed" | "error";
  /** The block tag (`X-Bot-Bottle-Block`), or what went wrong. */
  detail: string;
}

const BLOCK_HEADER = "x-bot-bottle-block";

/**
 * Run one case through the proxy.
 *
 * @param c The case.
 * @param proxy Port and CA of the proxy.
 * @returns What happened.
 */
export async function sendThroughProxy(
  c: CorpusCase,
  proxy: { port: number; caPem: string },
): Promise<Outcome> {
  const raw = net.connect({ host: "127.0.0.1", port: proxy.port });
  raw.on("error", () => {});
  try {
    return await withTimeout(exchange(raw, c, proxy.caPem), 20_000);
  } catch (err) {
    return { kind: "error", detail: err instanceof Error ? err.message : String(err) };
  } finally {
    raw.destroy();
  }
}

async function exchange(raw: net.Socket, c: CorpusCase, caPem: string): Promise<Outcome> {
  await new Promise<void>((resolve, reject) => {
    raw.once("connect", resolve);
    raw.once("error", reject);
  });
  raw.write(`CONNECT ${c.host}:443 HTTP/1.1\r\nHost: ${c.host}:443\r\n\r\n`);
  const connectReply = await readAll(raw, true);
  const head = parseHead(connectReply);
  if (head === undefined) return { kind: "cut", detail: "CONNECT answer cut" };
  if (head.status !== 200) return refusal(head, "CONNECT");
  const secure = tls.connect({ socket: raw, servername: c.host, ca: caPem });
  secure.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    secure.once("secureConnect", resolve);
    secure.once("error", reject);
  });
  const body = bodyBytes(c.request);
  const lines = [`${c.request.method} ${c.request.target} HTTP/1.1`, `Host: ${c.host}`];
  for (const [name, value] of c.request.headers) lines.push(`${name}: ${value}`);
  if (c.request.contentType !== undefined) lines.push(`Content-Type: ${c.request.contentType}`);
  if (body.length > 0 || c.request.method !== "GET") lines.push(`Content-Length: ${body.length}`);
  lines.push("Connection: close", "", "");
  secure.write(Buffer.from(lines.join("\r\n"), "utf8"));
  if (body.length > 0) secure.write(body);
  const answer = await readAll(secure, false);
  const response = parseHead(answer);
  if (response === undefined) return { kind: "cut", detail: "no response head" };
  if (response.headers.has(BLOCK_HEADER)) return refusal(response, "response");
  const text = unframe(answer.subarray(response.bodyStart), response.headers);
  if (text === undefined) return { kind: "cut", detail: `status ${response.status}, body cut` };
  // An event stream already under way is refused in band: a last `egress_blocked` event.
  const sseBlock = /^event: egress_blocked\r?\ndata: .*?"rule":"([^"]*)"/m.exec(text);
  if (sseBlock !== null) return { kind: "refused", detail: `${sseBlock[1]} (SSE event)` };
  return { kind: "passed", detail: String(response.status) };
}

interface Head {
  status: number;
  headers: Map<string, string>;
  bodyStart: number;
}

function refusal(head: Head, where: string): Outcome {
  const tag = head.headers.get(BLOCK_HEADER);
  return tag === undefined
    ? { kind: "cut", detail: `${where} answered ${head.status} without a block tag` }
    : { kind: "refused", detail: tag };
}

function parseHead(bytes: Uint8Array): Head | undefined {
  const text = Buffer.from(bytes).toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine, ...fields] = text.slice(0, end).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1]);
  if (!Number.isFinite(status)) return undefined;
  const headers = new Map<string, string>();
  for (const field of fields) {
    const colon = field.indexOf(":");
    if (colon > 0) {
      headers.set(field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim());
    }
  }
  return { status, headers, bodyStart: end + 4 };
}

/**
 * The body by its framing (Content-Length, or chunked up to its last chunk), or `undefined` when
 * the framing says it was cut short.
 */
function unframe(body: Uint8Array, headers: Map<string, string>): string | undefined {
  const text = Buffer.from(body).toString("latin1");
  const length = headers.get("content-length");
  if (length !== undefined) return text.length === Number(length) ? text : undefined;
  if (!/chunked/i.test(headers.get("transfer-encoding") ?? "")) return text;
  let out = "";
  for (let at = 0;;) {
    const eol = text.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const size = parseInt(text.slice(at, eol), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return out;
    if (eol + 2 + size + 2 > text.length) return undefined;
    out += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** Read until the peer ends (or, for a CONNECT reply, until the end of its head). */
function readAll(socket: net.Socket | tls.TLSSocket, headOnly: boolean): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      socket.off("data", onData);
      resolve(new Uint8Array(Buffer.concat(chunks)));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      if (headOnly && Buffer.concat(chunks).includes("\r\n\r\n")) done();
    };
    socket.on("data", onData);
    socket.once("end", done);
    socket.once("close", done);
    socket.once("error", done);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
