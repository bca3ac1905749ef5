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
  /** Runs the steps for one request; never rejects. */
  decide(ctx: C): Promise<PolicyOutcome<C>>;
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
  return {
    async decide(ctx) {
      // Indexed, not destructured by the iterator: that made two objects per step per request.
      for (let i = 0; i < steps.length; i++) {
        const [step, run] = steps[i]!;
        let decision: unknown;
        try {
          decision = run(ctx, env);
          // Most steps answer at once: awaiting only a promise saves a turn of the microtask
          // queue per step, a dozen per request.
          if (decision instanceof Promise) decision = await decision;
        } catch (error) {
          return { decision: failed(step), ctx, step, error };
        }
        if (!isDecision(decision)) return { decision: failed(step), ctx, step };
        if (decision.action !== "allow") return { decision, ctx, step };
      }
      return { decision: ALLOW, ctx };
    },
  };
}

function failed(step: string): Decision {
  return deny("internal_error", `egress policy step "${step}" failed; the request was not sent`);
}
