/**
 * The compact preflight `start` and `resume` print before asking y/N (SPEC §4), and the steps
 * `--dry-run` adds. Names only: env values and tokens never appear.
 */
import { AGENT_WORKSPACE, SIDECAR_ENV } from "../../core/sidecar_contract/mod.ts";
import type { PreparedBottle } from "../../backends/mod.ts";
import { formatSize, type ResolvedAgent } from "../manifest/mod.ts";
import type { BottlePlan } from "../plan/mod.ts";
import { type Field, renderFields } from "./_fields.ts";

/**
 * The preflight of a bottle.
 *
 * @param agent The resolved agent.
 * @param plan Its plan.
 * @param engine The backend's name, and the isolation it gives the agent (when known).
 * @returns The text, ending with a newline.
 */
export function preflightText(
  agent: ResolvedAgent,
  plan: BottlePlan,
  engine: { backend: string; isolation?: string },
): string {
  const bottle = agent.bottle;
  const env = [
    ...Object.entries(bottle.env).map(([name, value]) =>
      value.kind === "host"
        ? `${name} (from host $${value.name})`
        : value.kind === "prompt"
        ? `${name} (asked at launch)`
        : `${name} (literal)`
    ),
    `${SIDECAR_ENV.canary.name} (set by bot-bottle)`,
  ];
  const repos = Object.entries(bottle.gitGate.repos).map(([name, repo]) => `${name}  ${repo.url}`);
  // The plan's routes: the provider's own say how its credential is really sent.
  const egress = plan.routes.map((route) =>
    route.auth === undefined ? route.host : `${route.host} [auth:${route.auth.scheme}]`
  );
  const identity = (["name", "email"] as const).map((field) => {
    const value = agent.gitUser[field];
    return value === undefined ? `${field}: (unset)` : `${field}: ${value.value}  (${value.from})`;
  });
  const fields: Field[] = [
    ["agent", `${agent.name}  (${agent.path})`],
    ["bottle", `${bottle.name}  (${bottle.chain.join(" -> ")})`],
    ["backend", engine.backend],
    ...(engine.isolation === undefined ? [] : [["isolation", engine.isolation] as const]),
    ["limits", limitsText(plan)],
    ["label", plan.label],
    ["provider", providerText(agent, plan)],
    ...(plan.image.kind === "committed" ? [["image", plan.image.ref] as const] : []),
    ...(plan.image.kind === "dockerfile"
      ? [["image", `built from ${plan.image.path}`] as const]
      : []),
    ["command", displayArgv(plan.command)],
    [
      "workspace",
      plan.workspace === undefined
        ? `empty  (--no-cwd)`
        : `copy of ${plan.workspace}  (one way, into ${AGENT_WORKSPACE})`,
    ],
    ["env", env.join("\n")],
    ["skills", listOrNone(agent.skills)],
    ["git gate", listOrNone(repos)],
    ["egress", listOrNone(egress)],
    ["git identity", identity.join("\n")],
    ...hostSettings(plan),
  ];
  return renderFields(`Bottle ${plan.slug}`, fields);
}

/** Both containers' caps, one line each. */
function limitsText(plan: BottlePlan): string {
  return (["agent", "sidecar"] as const).map((role) => {
    const { memory, cpus, pids } = plan.limits[role];
    return `${role}: ${formatSize(memory)} memory, ${cpus} CPU${cpus === 1 ? "" : "s"}, ` +
      `${pids} processes`;
  }).join("\n");
}

/** The provider and where its credential comes from (names only). */
function providerText(agent: ResolvedAgent, plan: BottlePlan): string {
  const from = agent.bottle.agentProvider.authToken;
  switch (plan.credential) {
    case "none":
      return `${plan.template}  (no credential)`;
    case "oauth":
      return `${plan.template}  (OAuth token from $${from}, injected by egress; the agent holds a placeholder)`;
    case "api_key":
      return `${plan.template}  (API key from $${from}, injected by egress; the agent holds a placeholder)`;
    case "device":
      return `${plan.template}  (the host's Codex login: egress holds its access token, the agent a dummy login)`;
  }
}

/** Host settings that change isolation or testing: the operator sees every one in effect. */
function hostSettings(plan: BottlePlan): Field[] {
  const fields: Field[] = [];
  if (plan.connectTo.length > 0) {
    fields.push(["connect-to", `${plan.connectTo.join("\n")}  (no private-address check)`]);
  }
  if (plan.buildCaFile !== undefined) {
    fields.push(["build CA", `${plan.buildCaFile}  (trusted by image builds only)`]);
  }
  if (plan.upstreamCaFile !== undefined) {
    fields.push(["upstream CA", `${plan.upstreamCaFile}  (also trusted for upstream TLS)`]);
  }
  if (plan.egressNetwork !== undefined) fields.push(["egress network", plan.egressNetwork]);
  const timeouts = Object.entries(plan.operatorTimeouts).map(([name, s]) => `${name}=${s}`);
  if (timeouts.length > 0) fields.push(["timeouts", timeouts.join("\n")]);
  if (plan.baseImages.agent !== undefined) fields.push(["agent base", plan.baseImages.agent]);
  if (plan.baseImages.sidecar !== undefined) {
    fields.push(["sidecar base", plan.baseImages.sidecar]);
  }
  fields.push([
    "self-test",
    [
      ...plan.selfTest.tcp.map((t) => `no TCP to ${t}`),
      ...plan.selfTest.dns.map((d) => `no DNS for ${d}`),
    ]
      .join("\n"),
  ]);
  return fields;
}

/**
 * The backend's steps, for `--dry-run`.
 *
 * @param prepared The backend's plan.
 * @returns The text, ending with a newline.
 */
export function stepsText(prepared: PreparedBottle): string {
  const lines = [`Steps (${prepared.backend})`, ""];
  prepared.steps.forEach((step, index) => {
    lines.push(`  ${index + 1}. ${step.title}`, `     ${displayArgv(step.argv)}`);
  });
  return `${lines.join("\n")}\n`;
}

/**
 * An argv as a reader would type it (for display only: nothing runs this string).
 *
 * @param argv The arguments.
 * @returns The arguments, quoted where a shell would need it.
 */
export function displayArgv(argv: readonly string[]): string {
  return argv.map((arg) =>
    /^[A-Za-z0-9_@%+=:,.\/-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
  )
    .join(" ");
}

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? "(none)" : items.join("\n");
}
