/**
 * The composer of the egress decision pipeline: steps run in order, and the first answer that is
 * not "allow" decides. A step that throws or answers with something that is not a decision is a
 * deny (`internal_error`): the pipeline never fails open. The steps themselves, in SPEC §6.1
 * order, are listed in one place: `sidecar/egress/_pipeline.ts`.
 *
 * @module
 */
import { ALLOW, deny, isDecision } from "./_decision.ts";
import type { Decision, PolicyContext } from "./types.ts";

/** One decision step; it may fill in the context, and throwing counts as a deny. */
export type Step<C, E> = (ctx: C, env: E) => Decision | Promise<Decision>;

/** The pipeline's answer for one request, with what the steps learned on the way. */
export interface PolicyOutcome<C extends PolicyContext = PolicyContext> {
  /** Allow (forward to `ctx.upstream`), deny (write `blockResponse()`), or respond locally. */
  decision: Decision;
  /** The request context, filled in as far as the steps got. */
  ctx: C;
  /** Name of the step that stopped the pipeline, when one did. */
  step?: string;
  /** What a failing step threw, for the operator's log (never sent to the agent). */
  error?: unknown;
}

/** A configured pipeline; one per proxy, called once per request. */
export interface Policy<C extends PolicyContext = PolicyContext> {
  /**
   * Runs the steps for one request; never rejects. The outcome comes back at once when no step
   * had to wait, else as a promise.
   */
  decide(ctx: C): PolicyOutcome<C> | Promise<PolicyOutcome<C>>;
}

/**
 * Compose named steps into a pipeline.
 *
 * @param steps The steps, in the order they decide.
 * @param env What every step may use besides the request context.
 * @returns The pipeline.
 */
export function composePolicy<C extends PolicyContext, E>(
  steps: readonly (readonly [string, Step<C, E>])[],
  env: E,
): Policy<C> {
  /** The steps from `from` on; async only from the first step that answers with a promise. */
  const run = (ctx: C, from: number): PolicyOutcome<C> | Promise<PolicyOutcome<C>> => {
    // Indexed, not destructured by the iterator: that made two objects per step per request.
    for (let i = from; i < steps.length; i++) {
      const [step, decide] = steps[i]!;
      let decision: unknown;
      try {
        decision = decide(ctx, env);
      } catch (error) {
        return { decision: failed(step), ctx, step, error };
      }
      // Most steps answer at once: no async frame and no promise per request until one waits.
      if (decision instanceof Promise) return waited(ctx, i, step, decision);
      const outcome = judged(ctx, step, decision);
      if (outcome !== undefined) return outcome;
    }
    return { decision: ALLOW, ctx };
  };
  const waited = async (
    ctx: C,
    at: number,
    step: string,
    pending: Promise<unknown>,
  ): Promise<PolicyOutcome<C>> => {
    let decision: unknown;
    try {
      decision = await pending;
    } catch (error) {
      return { decision: failed(step), ctx, step, error };
    }
    return judged(ctx, step, decision) ?? await run(ctx, at + 1);
  };
  return { decide: (ctx) => run(ctx, 0) };
}

/** The outcome when `decision` stops the pipeline (not a decision, or not "allow"). */
function judged<C extends PolicyContext>(
  ctx: C,
  step: string,
  decision: unknown,
): PolicyOutcome<C> | undefined {
  if (!isDecision(decision)) return { decision: failed(step), ctx, step };
  if (decision.action !== "allow") return { decision, ctx, step };
  return undefined;
}

function failed(step: string): Decision {
  return deny("internal_error", `egress policy step "${step}" failed; the request was not sent`);
}
