import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors/mod.ts";
import { type EnvValue, loadBottle, resolveEnv } from "./mod.ts";
import { tempHome } from "./_testing.ts";

Deno.test("loadBottle() reads literal, ${HOST_VAR} and ?prompt env values", async () => {
  await using t = await tempHome();
  await t.bottle(
    "dev",
    'env:\n  A: plain\n  B: ${HOST_B}\n  C: ?prompt\n  D: "?prompt later"\n  E: "$HOME"\n' +
      '  F: ""\n  _g1: "${_X9}"\n',
  );
  const env = (await loadBottle("dev", t.opts)).env;
  assert.deepEqual(env, {
    A: { kind: "literal", value: "plain" },
    B: { kind: "host", name: "HOST_B" },
    C: { kind: "prompt" },
    D: { kind: "literal", value: "?prompt later" },
    E: { kind: "literal", value: "$HOME" },
    F: { kind: "literal", value: "" },
    _g1: { kind: "host", name: "_X9" },
  });
});

const ENV: Record<string, EnvValue> = {
  LITERAL: { kind: "literal", value: "x" },
  FROM_HOST: { kind: "host", name: "HOST_TOKEN" },
  SECRET: { kind: "prompt" },
  OTHER_SECRET: { kind: "prompt" },
};

Deno.test("resolveEnv() interpolates host variables and prompts once per ?prompt", async () => {
  const asked: string[] = [];
  const resolved = await resolveEnv(ENV, {
    hostEnv: { HOST_TOKEN: "from-host", UNUSED: "u" },
    prompt: (name) => {
      asked.push(name);
      return Promise.resolve(`typed-${name}`);
    },
  });
  assert.deepEqual(resolved, {
    LITERAL: "x",
    FROM_HOST: "from-host",
    SECRET: "typed-SECRET",
    OTHER_SECRET: "typed-OTHER_SECRET",
  });
  assert.deepEqual(asked, ["SECRET", "OTHER_SECRET"]);
});

Deno.test("resolveEnv() names every missing host variable before prompting", async () => {
  let prompted = false;
  const env: Record<string, EnvValue> = {
    ...ENV,
    SECOND: { kind: "host", name: "ALSO_MISSING" },
  };
  await assert.rejects(
    resolveEnv(env, {
      hostEnv: {},
      prompt: () => {
        prompted = true;
        return Promise.resolve("");
      },
    }),
    (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        "Cannot resolve the bottle's env: host variables are not set: HOST_TOKEN (for " +
          "FROM_HOST), ALSO_MISSING (for SECOND)",
      );
      return true;
    },
  );
  assert.equal(prompted, false);
  await assert.rejects(
    resolveEnv({ A: { kind: "host", name: "NOPE" } }, {
      hostEnv: {},
      prompt: () => Promise.resolve(""),
    }),
    /host variable is not set: NOPE \(for A\)/,
  );
});

Deno.test("resolveEnv() takes an empty host variable as set", async () => {
  const resolved = await resolveEnv({ A: { kind: "host", name: "EMPTY" } }, {
    hostEnv: { EMPTY: "" },
    prompt: () => Promise.reject(new Error("not asked")),
  });
  assert.deepEqual(resolved, { A: "" });
});
