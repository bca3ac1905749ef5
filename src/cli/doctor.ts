/** `bot-bottle doctor`: one line per host check, exit 0 only if the default backend can run. */
import { runDoctor } from "../doctor/mod.ts";
import { type CliContext, paint, println } from "./_context.ts";

const COLORS = { ok: "green", warn: "yellow", fail: "red" } as const;

/**
 * Print the host checks.
 *
 * @param ctx The CLI context.
 * @param options The host OS (tests pass their own).
 * @returns 0 when the default backend can run bottles, 1 otherwise.
 */
export async function doctorCommand(
  ctx: CliContext,
  options: { os?: string } = {},
): Promise<number> {
  const report = await runDoctor({ env: ctx.env, os: options.os ?? Deno.build.os });
  for (const check of report.checks) {
    println(
      ctx,
      `${paint(ctx, COLORS[check.status], `${check.status}:`)} ${check.name}: ${check.detail}`,
    );
  }
  return report.defaultBackendUsable ? 0 : 1;
}
