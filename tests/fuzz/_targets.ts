/** Every fuzz target by name, with its case count for a full run (issue 17). */
import type { Target } from "./_runner.ts";
import { manifestsTarget, providersTarget, routesTarget } from "./_target_files.ts";
import { httpTarget, tlsTarget } from "./_target_proxy.ts";
import { mcpTarget } from "./_target_supervise.ts";
import { gitTarget } from "./_target_git.ts";

/** The targets and their full-run case counts. */
export const TARGETS: Readonly<Record<string, { target: Target; cases: number }>> = {
  manifests: { target: manifestsTarget, cases: 10_000 },
  routes: { target: routesTarget, cases: 10_000 },
  providers: { target: providersTarget, cases: 10_000 },
  http: { target: httpTarget, cases: 10_000 },
  tls: { target: tlsTarget, cases: 10_000 },
  mcp: { target: mcpTarget, cases: 1_000 },
  git: { target: gitTarget, cases: 1_000 },
};
