/** The upstream timeouts as the operator sets them: `BOT_BOTTLE_EGRESS_*_TIMEOUT_SECONDS`. */
import {
  type Environment,
  settingOrDefault,
  SIDECAR_ENV,
} from "../../core/sidecar_contract/mod.ts";
import type { UpstreamTimeouts } from "./_upstream.ts";

/**
 * Read the upstream timeouts from an environment, defaults for those not set.
 *
 * @param env The process environment.
 * @returns The timeouts in milliseconds.
 * @throws {ConfigError} Naming the variable whose value is not a whole number of seconds within
 *   its bounds.
 */
export function upstreamTimeoutsFrom(env: Environment): UpstreamTimeouts {
  return {
    connectMs: settingOrDefault(env, SIDECAR_ENV.egressConnectTimeout) * 1000,
    responseMs: settingOrDefault(env, SIDECAR_ENV.egressResponseTimeout) * 1000,
    stallMs: settingOrDefault(env, SIDECAR_ENV.egressStallTimeout) * 1000,
  };
}
