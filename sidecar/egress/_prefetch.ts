/**
 * The start of a request body, read and scanned before any upstream connection is opened: a
 * request blocked or held for the operator within it never leaves a half-sent request upstream,
 * and a body that ends within it can be sent again when a pooled connection turns out stale.
 *
 * Every request's prefetch is taken from one proxy-wide {@link HoldBudget} (issue 19): 200
 * uploads starting at once held 200 MiB before. A request that finds the budget spent streams
 * its body as a long one does, with only the scanner's undecided tail held back (no byte of a
 * finding leaves); it cannot be sent again, so it goes out on a fresh connection.
 */
import type { Buffer } from "node:buffer";
import type { DenyDecision } from "./policy/mod.ts";
import type { HoldBudget } from "./_hold_budget.ts";
import type { OutboundBody } from "./_request_body.ts";

/** Body bytes one request reads ahead at most. */
export const PREFETCH_BYTES = 1024 * 1024;

/** What all requests together may read ahead: 8 whole prefetches at once. */
export const PREFETCH_BUDGET_BYTES = 8 * PREFETCH_BYTES;

/** One request's read-ahead, and its share of the budget. */
export class Prefetch {
  readonly #budget: HoldBudget;
  #taken = 0;
  #whole: Buffer[] | undefined;
  #rest: AsyncIterator<Uint8Array> | undefined;

  /** @param budget The proxy's budget for read-ahead bytes. */
  constructor(budget: HoldBudget) {
    this.#budget = budget;
  }

  /**
   * Read and scan the start of the body: up to {@link PREFETCH_BYTES}, while the budget lasts.
   *
   * @param chunks The body, undefined when the request has none.
   * @param body The body's scanner.
   * @returns The deny of a finding within the prefetch; at once for a request with no body.
   */
  fill(
    chunks: AsyncIterator<Uint8Array> | undefined,
    body: OutboundBody,
  ): DenyDecision | undefined | Promise<DenyDecision | undefined> {
    if (chunks !== undefined) return this.#fill(chunks, body);
    this.#whole = body.drain();
    return undefined;
  }

  async #fill(
    chunks: AsyncIterator<Uint8Array>,
    body: OutboundBody,
  ): Promise<DenyDecision | undefined> {
    let ended = false;
    let room = true;
    while (!ended && room && body.held <= PREFETCH_BYTES) {
      const next = await chunks.next();
      ended = next.done === true;
      // A chunk the budget has no room for is already read: it is scanned, then streams.
      room = ended || this.#take(next.value.length);
      const denied = ended ? await body.finish() : await body.push(next.value);
      if (denied !== undefined) return denied;
    }
    if (ended) this.#whole = body.drain();
    else this.#rest = chunks;
    return undefined;
  }

  /** The whole body, scanned, while it may still be sent again (it ended within the prefetch). */
  get whole(): Buffer[] | undefined {
    return this.#whole;
  }

  /** The rest of the body, when the prefetch did not reach its end. */
  get rest(): AsyncIterator<Uint8Array> | undefined {
    return this.#rest;
  }

  /** The read-ahead bytes are sent and will not be sent again: give their share back. */
  done(): void {
    this.#whole = undefined;
    this.#budget.give(this.#taken);
    this.#taken = 0;
  }

  #take(bytes: number): boolean {
    if (!this.#budget.take(bytes)) return false;
    this.#taken += bytes;
    return true;
  }
}
