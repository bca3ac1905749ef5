/** `bot-bottle audit verify <slug>`: check a bottle's audit log against its hash chain. */
import { AuditChainError, verifyAudit } from "../audit/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { type CliContext, println } from "./_context.ts";
import { renderFields } from "./_fields.ts";

/**
 * `audit verify <slug>`.
 *
 * @param ctx The CLI context.
 * @param slug The bottle's slug.
 * @param options `--json`.
 * @returns 0 when the chain is intact.
 * @throws {AuditChainError} When it is broken, naming the first broken line (exit 1).
 * @throws {NotFoundError} When the bottle has no state.
 */
export async function auditVerifyCommand(
  ctx: CliContext,
  slug: string,
  options: { json: boolean },
): Promise<number> {
  const verdict = await verifyAudit(homePaths(ctx.env), slug);
  if (options.json) {
    println(ctx, JSON.stringify({ ...verdict, intact: verdict.broken === undefined }));
  } else if (verdict.broken === undefined) {
    ctx.stdout.write(renderFields(`Audit log of bottle "${slug}": chain intact`, [
      ["log", verdict.log],
      ["entries", String(verdict.lines)],
    ]));
  }
  if (verdict.broken !== undefined) throw new AuditChainError(verdict.log, verdict.broken);
  return 0;
}
