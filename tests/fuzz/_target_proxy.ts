/**
 * The egress proxy's two fuzz targets, against the real `egress serve` process: `http` sends
 * mutated HTTP/1.1 requests (in plain forward-proxy form, or inside a TLS tunnel to a routed
 * host), `tls` sends mutated TLS records into a CONNECT tunnel. Every connection must be answered
 * or closed within the bound once the client has ended its side, never with an `internal_error`
 * refusal (an error nobody typed), and the process must survive.
 */
import { startEgressBed } from "./_egress_bed.ts";
import { mutateBytes } from "./_mutate_bytes.ts";
import { mutateRequest } from "./_mutate_http.ts";
import { mutateTls } from "./_mutate_tls.ts";
import { pick, type Random } from "./_random.ts";
import type { Bed, CaseResult, Target } from "./_runner.ts";
import { crlf, fromHex, latin1, readSeeds } from "./_seeds.ts";
import { exchange, pickDelivery, type Tunnel } from "./_wire.ts";
import { judgeExchange, statusLabel } from "./_judge.ts";

/** After the client's end, how long the proxy has to answer or close. */
const BOUND_MS = 10_000;

/**
 * How long a stalled connection (the client neither sends more nor ends) may stay open: the
 * proxy's longest client timeout (60 s for a body that stopped, 10 s for a head) and a margin.
 */
const STALL_BOUND_MS = 75_000;

/** The share of cases that stall (each costs up to a minute). */
const STALL_SHARE = 0.002;

const UNTYPED = /\r\nx-bot-bottle-block:\s*internal_error\r\n/i;

/** Mutated HTTP/1.1 requests. */
export const httpTarget: Target = {
  name: "http",
  concurrency: 8,
  async start(): Promise<Bed> {
    const seeds = (await readSeeds("http")).map(crlf);
    const bed = await startEgressBed();
    return {
      process: bed.proxy,
      async runCase(_index: number, r: Random): Promise<CaseResult> {
        const text = mutateRequest(pick(seeds, r), r);
        const bytes = r() < 0.3 ? mutateBytes(latin1(text), r) : latin1(text);
        const tunnel: Tunnel | undefined = r() < 0.25
          ? {
            authority: pick(["fuzz.test:443", "auth.fuzz.test:443"], r),
            tls: { servername: pick(["fuzz.test", "auth.fuzz.test"], r), ca: bed.ca },
          }
          : undefined;
        const stall = r() < STALL_SHARE;
        const delivery = { ...pickDelivery(bytes.length, r), stall };
        const result = await exchange(bed.port, bytes, {
          delivery,
          boundMs: stall ? STALL_BOUND_MS : BOUND_MS,
          ...(tunnel === undefined ? {} : { tunnel }),
        });
        const label = `${stall ? "stalled:" : ""}${statusLabel(result.answer)}`;
        return judgeExchange(bytes, result, { label, untyped: (head) => UNTYPED.test(head) });
      },
      [Symbol.asyncDispose]: () => bed[Symbol.asyncDispose](),
    };
  },
};

/** Mutated TLS records in a CONNECT tunnel. */
export const tlsTarget: Target = {
  name: "tls",
  concurrency: 8,
  async start(): Promise<Bed> {
    const hellos = (await readSeeds("tls")).map(fromHex);
    const bed = await startEgressBed();
    return {
      process: bed.proxy,
      async runCase(_index: number, r: Random): Promise<CaseResult> {
        const structured = mutateTls(pick(hellos, r), r);
        const bytes = r() < 0.3 ? mutateBytes(structured, r) : structured;
        const result = await exchange(bed.port, bytes, {
          delivery: pickDelivery(bytes.length, r),
          boundMs: BOUND_MS,
          tunnel: { authority: "fuzz.test:443" },
        });
        const first = result.answer[0];
        const label = first === undefined
          ? "closed"
          : first === 0x15
          ? "alert"
          : first === 0x16
          ? "handshake"
          : "other";
        return judgeExchange(bytes, result, { label, untyped: (head) => UNTYPED.test(head) });
      },
      [Symbol.asyncDispose]: () => bed[Symbol.asyncDispose](),
    };
  },
};
