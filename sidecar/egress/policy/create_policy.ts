/**
 * The pre-forward policy pipeline: SPEC §6.1 steps 1–7 as small steps run in order, stopping at
 * the first answer that is not "allow". A step that throws or answers with something that is not
 * a decision is a deny (`internal_error`): the pipeline never fails open.
 *
 * @module
 */
import { ALLOW, deny, isDecision } from "./_decision.ts";
import { createEnv, type Step } from "./_env.ts";
import { introspection } from "./_introspection.ts";
import { antiFronting } from "./_anti_fronting.ts";
import { routeLookup } from "./_route_lookup.ts";
import { gitPush } from "./_git_push.ts";
import { matches } from "./_matches.ts";
import { upstreamAddress } from "./_upstream_address.ts";
import { auth } from "./_auth.ts";
import type {
  Decision,
  EgressRequest,
  PolicyContext,
  PolicyOptions,
  PolicyRoute,
} from "./types.ts";

/** The pipeline's answer for one request, with what the steps learned on the way. */
export interface PolicyOutcome<R extends PolicyRoute = PolicyRoute> {
  /** Allow (forward to `ctx.upstream`), deny (write `blockResponse()`), or respond locally. */
  decision: Decision;
  /** The request context: `route` and `upstream` as far as the steps got. */
  ctx: PolicyContext<R>;
  /** Name of the step that stopped the pipeline, when one did. */
  step?: string;
  /** What a failing step threw, for the operator's log (never sent to the agent). */
  error?: unknown;
}

/** A configured pipeline; one per proxy, called once per request. */
export interface Policy<R extends PolicyRoute = PolicyRoute> {
  /** Runs the steps for one request. */
  decide(req: EgressRequest): Promise<PolicyOutcome<R>>;
}

/**
 * Builds the pipeline: introspection, antiFronting, routeLookup, gitPush, matches,
 * upstreamAddress, auth. Push and fetch checks need the route, so they run after the lookup but
 * still before the `matches` filter.
 *
 * @param options Live routes, the `matches` matcher, token getter and resolver overrides.
 * @returns The policy; `decide()` never rejects.
 */
export function createPolicy<R extends PolicyRoute>(options: PolicyOptions<R>): Policy<R> {
  const env = createEnv(options);
  const steps: readonly (readonly [string, Step<R>])[] = [
    ["introspection", introspection],
    ["antiFronting", antiFronting],
    ["routeLookup", routeLookup],
    ["gitPush", gitPush],
    ["matches", matches],
    ["upstreamAddress", upstreamAddress],
    ["auth", auth],
  ];
  return {
    async decide(req) {
      const ctx: PolicyContext<R> = { req };
      for (const [step, run] of steps) {
        let decision: unknown;
        try {
          decision = await run(ctx, env);
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
