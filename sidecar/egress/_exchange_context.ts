/**
 * What the egress pipeline's steps share for one request (the context) and for the life of the
 * proxy (the environment), beyond what the routing steps of `policy/` need.
 */
import type { DlpEngine, Finding, InboundDetector } from "../../core/dlp/mod.ts";
import type { Route } from "../../core/routes/mod.ts";
import type { HeaderList, ParsedRequest } from "../http1/mod.ts";
import type { PolicyContext, PolicyEnv } from "./policy/mod.ts";
import type { Approvals } from "./_approvals.ts";
import type { CleanHeads } from "./_clean_heads.ts";
import type { HostSeams } from "./_host_seams.ts";
import type { ApprovalRecord, OperatorQueue, OutboundContext } from "./_outbound.ts";
import type { OutboundBody } from "./_request_body.ts";

/** The request head as it will leave for the upstream. */
export interface ForwardHead {
  /** Origin-form target (after redaction, when a step redacted it). */
  target: string;
  /** Headers without hop-by-hop ones, `Host` set, `Accept-Encoding` normalised. */
  headers: HeaderList;
  /** The client asked to upgrade the connection. */
  upgrade: boolean;
  /** The client sent `Expect: 100-continue` (the proxy answers it itself). */
  expectsContinue: boolean;
}

/** How a response is scanned. */
export interface InboundScan {
  /** The engine. */
  engine: DlpEngine;
  /** The route's inbound detectors (empty: none). */
  detectors: readonly InboundDetector[];
  /** What a known secret echoed in the response does. */
  onSecret: "redact" | "block";
  /** Logs a finding that only warns. */
  onWarn: (finding: Finding) => void;
}

/** One request as the steps see it and fill it in. */
export interface ExchangeContext extends PolicyContext<Route> {
  /** The head as read from the client. */
  readonly head: ParsedRequest;
  /**
   * The outbound DLP guard's view of this request, made once: its engine scans the head, the
   * body and the response alike, even when a reload swaps the live engine meanwhile.
   */
  outbound?: OutboundContext;
  /** The head to send (step `forwardHead`). */
  forward?: ForwardHead;
  /** The armed request-body scanner (step `outboundBody`). */
  body?: OutboundBody;
  /** How the response is scanned (step `inboundScan`). */
  inbound?: InboundScan;
}

/** What the DLP steps are given by whoever builds the pipeline. */
export interface GuardOptions {
  /** The DLP engine of the live routes and token values. */
  engine: () => DlpEngine;
  /** Operator approvals, each for one value on one host and route. */
  approvals: Approvals;
  /** Where to ask the operator; absent when no queue is configured. */
  operator: OperatorQueue | undefined;
  /** Logs a warn-level finding. */
  warn: (host: string, finding: Finding) => void;
  /** Logs findings redacted (or stripped) instead of refused. */
  redacted: (host: string, findings: readonly Finding[]) => void;
  /** Writes an approval and its scope to the audit log. */
  approved: (record: ApprovalRecord) => void;
}

/** What every step may use, built once per proxy. */
export interface ExchangeEnv extends PolicyEnv<Route>, GuardOptions {
  /** What each host was last sent, for secrets split across requests. */
  seams: HostSeams;
  /** Request heads already scanned clean. */
  cleanHeads: CleanHeads;
}

/**
 * The outbound DLP guard's view of one request, made on first use and kept on the request.
 *
 * @param ctx The request (its route is known).
 * @param env The environment.
 * @returns Engine, the host's seam watch, route, approvals, operator and audit log.
 */
export function outboundContext(ctx: ExchangeContext, env: ExchangeEnv): OutboundContext {
  if (ctx.route === undefined) throw new TypeError("outbound DLP ran before route lookup");
  if (ctx.outbound !== undefined) return ctx.outbound;
  const host = ctx.req.host;
  const engine = env.engine();
  ctx.outbound = {
    engine,
    seam: env.seams.watch(host, engine),
    host,
    route: ctx.route,
    cleanHeads: env.cleanHeads,
    approvals: env.approvals,
    operator: env.operator,
    onWarn: (finding) => env.warn(host, finding),
    onRedact: (findings) => env.redacted(host, findings),
    onApproved: env.approved,
  };
  return ctx.outbound;
}
