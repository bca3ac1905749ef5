/**
 * Step 4: git smart-HTTP services. `git-receive-pack` (push) is refused on every route, because
 * pushes go through the git gate where they are secret-scanned; `git-upload-pack` (clone/fetch) is
 * refused unless the route sets `git: {fetch: true}`. The service name is looked for anywhere in
 * the path, query or raw target, case-insensitively and after percent-decoding (repeatedly, so
 * `git%252Dreceive-pack` is caught too).
 */
import { ALLOW, deny } from "./_decision.ts";
import type { Decision, PolicyContext } from "./types.ts";

const MAX_DECODES = 8;

/** Denies git pushes (`git_push`) and, unless the route allows it, git fetches (`git_fetch`). */
export function gitPush(ctx: PolicyContext): Decision {
  const { req, route } = ctx;
  const text = decodeRepeatedly(`${req.path}?${req.query} ${req.target}`).toLowerCase();
  if (text.includes("git-receive-pack")) {
    return deny(
      "git_push",
      `git push to "${req.host}" is blocked on every egress route; push through the bottle's git gate`,
    );
  }
  if (text.includes("git-upload-pack") && route?.git?.fetch !== true) {
    return deny(
      "git_fetch",
      `git fetch from "${req.host}" is not enabled; the route needs git: {fetch: true}`,
    );
  }
  return ALLOW;
}

function decodeRepeatedly(text: string): string {
  let current = text;
  for (let i = 0; i < MAX_DECODES && current.includes("%"); i++) {
    const next = current.replace(
      /%([0-9a-f]{2})/gi,
      (_, hex: string) => String.fromCharCode(parseInt(hex, 16)),
    );
    if (next === current) break;
    current = next;
  }
  return current;
}
