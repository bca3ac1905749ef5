/** Small constructors shared by the builders. */
import type { Placed } from "./_carriers.ts";
import type { ChecksumClaim, CorpusCase, CorpusResponse } from "./mod.ts";
import { Rng } from "./_rng.ts";

/** Fields every case names. */
interface Head {
  id: string;
  class: string;
  label: "malicious" | "benign";
  what: string;
  checks?: ChecksumClaim[];
}

/**
 * An outbound case from a placed request.
 *
 * @param head Id, class, label, description, checksummed values.
 * @param placed Host and request.
 * @returns The case.
 */
export function outbound(head: Head, placed: Placed): CorpusCase {
  return { ...withoutEmpty(head), direction: "outbound", ...placed };
}

/**
 * An inbound case: a GET of `target` on `host` answered with `response`.
 *
 * @param head Id, class, label, description.
 * @param where Host and path (with query) the agent fetches.
 * @param response The origin's answer.
 * @returns The case.
 */
export function inbound(
  head: Head,
  where: { host: string; target: string; headers?: [string, string][] },
  response: Partial<CorpusResponse> & { contentType: string },
): CorpusCase {
  return {
    ...withoutEmpty(head),
    direction: "inbound",
    host: where.host,
    request: { method: "GET", target: where.target, headers: where.headers ?? [] },
    response: { status: 200, headers: [], ...response },
  };
}

function withoutEmpty(head: Head): Head {
  const { checks, ...rest } = head;
  return checks === undefined || checks.length === 0 ? rest : head;
}

/** Three-digit sequence numbers for ids (1-based). */
export function seq(n: number): string {
  return String(n + 1).padStart(3, "0");
}

/** Numbered benign outbound cases of one class, with the class's own random stream. */
export function benignOutbound(cls: string, prefix: string) {
  const cases: CorpusCase[] = [];
  return {
    rng: new Rng(`benign:${cls}`),
    cases,
    add(what: string, placed: Placed): void {
      cases.push(
        outbound(
          { id: `${prefix}-${seq(cases.length)}`, class: cls, label: "benign", what },
          placed,
        ),
      );
    },
  };
}

/** A JSON POST to `host`. */
export function json(
  host: string,
  target: string,
  body: unknown,
  headers: [string, string][] = [],
): Placed {
  return {
    host,
    request: {
      method: "POST",
      target,
      headers,
      contentType: "application/json",
      body: JSON.stringify(body),
    },
  };
}

/** Numbered benign inbound cases of one class, with the class's own random stream. */
export function benignInbound(cls: string, prefix: string) {
  const cases: CorpusCase[] = [];
  return {
    rng: new Rng(`benign:${cls}`),
    cases,
    add(
      what: string,
      where: { host: string; target: string },
      response: Partial<CorpusResponse> & { contentType: string },
    ): void {
      cases.push(
        inbound(
          { id: `${prefix}-${seq(cases.length)}`, class: cls, label: "benign", what },
          where,
          response,
        ),
      );
    },
  };
}
