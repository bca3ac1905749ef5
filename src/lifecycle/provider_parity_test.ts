/**
 * Built-in and plugin forms of the same provider plan alike (issue 15): each built-in's
 * `provider.yaml` and `Dockerfile`, copied into `contrib/` under another name, go through
 * manifest loading, `buildPlan` and the docker backend's `prepare`, and give the built-in's plan
 * and steps, the name aside.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { backendByName } from "../../backends/mod.ts";
import { loadAgent } from "../manifest/mod.ts";
import { tempBotHome } from "./testing/mod.ts";
import { planBottle } from "./plan_bottle.ts";

const IMAGES = new URL("../../images/", import.meta.url);

/** [case, built-in, agent_provider settings (besides template), host env]. */
const CASES: [string, string, Record<string, unknown>, Record<string, string>][] = [
  ["claude with an OAuth token", "claude", { auth_token: "TOKEN" }, { TOKEN: "sk-ant-oat01-x" }],
  ["claude with an API key", "claude", { auth_token: "TOKEN" }, { TOKEN: "sk-ant-api03-x" }],
  ["claude without a credential", "claude", {}, {}],
  ["codex with an API key", "codex", { auth_token: "TOKEN" }, { TOKEN: "sk-proj-x" }],
  ["codex with the host login", "codex", { forward_host_credentials: true }, {}],
  ["shell", "shell", {}, {}],
];

for (const [what, builtin, settings, hostEnv] of CASES) {
  Deno.test(`the plugin copy of ${builtin} plans like the built-in: ${what}`, async () => {
    await using home = await tempBotHome();
    const copy = `${builtin}-copy`;
    await Deno.mkdir(join(home.paths.contrib, copy), { recursive: true });
    for (const file of ["provider.yaml", "Dockerfile"]) {
      await Deno.copyFile(
        new URL(`${builtin}/${file}`, IMAGES),
        join(home.paths.contrib, copy, file),
      );
    }
    const plans = [];
    for (const template of [builtin, copy]) {
      const provider = JSON.stringify({ template, ...settings });
      await home.write(
        `bottles/${template}.md`,
        `---\nagent_provider: ${provider}\negress:\n  routes:\n    - host: example.com\n---\n`,
      );
      await home.write(`agents/${template}.md`, `---\nbottle: ${template}\n---\nBe careful.\n`);
      const agent = await loadAgent(template, { home: home.paths.root, cwd: "/" });
      const { plan, prepared } = planBottle(agent, {
        backend: backendByName("docker"),
        slug: "same-1",
        label: "same",
        cwd: "/",
        paths: home.paths,
        hostEnv: { HOME: "/home/u", ...hostEnv },
      });
      const dockerfile = plan.image.kind === "provider"
        ? await Deno.readTextFile(new URL(plan.image.dockerfile))
        : "";
      const named = { ...plan, template: "NAME", agent: "NAME", bottle: "NAME" };
      if (named.image.kind === "provider") {
        named.image = { ...named.image, template: "NAME", dockerfile: "DOCKERFILE" };
      }
      const steps = JSON.stringify(prepared).replaceAll(`=${template}"`, '=NAME"');
      const warnings = agent.warnings.map((w) =>
        w.replaceAll(`"${template}"`, '"NAME"').replaceAll(
          ` ${template} provider`,
          " NAME provider",
        )
      );
      plans.push({ plan: named, prepared: JSON.parse(steps), dockerfile, warnings });
    }
    assert.deepEqual(plans[1], plans[0]);
    assert.ok((plans[0]?.dockerfile.length ?? 0) > 0, "the Dockerfile was compared");
  });
}
