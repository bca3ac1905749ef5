import assert from "node:assert/strict";
import { type GateRepo, parseGateConfig, renderGateConfig } from "./mod.ts";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";

function repo(overrides: Partial<GateRepo> = {}): GateRepo {
  return {
    name: "app",
    url: "ssh://git@git.test/org/app.git",
    user: "git",
    host: "git.test",
    port: 22,
    path: "org/app.git",
    host_key: HOST_KEY,
    extra_hosts: { "git.test": "10.9.0.2" },
    ...overrides,
  };
}

Deno.test("renderGateConfig() output parses back to the same repos", () => {
  const config = { repos: [repo(), repo({ name: "web", port: 2222, path: "org/web.git" })] };
  const text = renderGateConfig(config);
  assert.ok(text.endsWith("\n"));
  assert.deepEqual(parseGateConfig(text), { config });
});

Deno.test("renderGateConfig() refuses repos the sidecar would refuse", () => {
  for (
    const bad of [
      { repos: [] },
      { repos: [repo(), repo()] },
      { repos: [repo({ name: "../x" })] },
      { repos: [repo({ host_key: `${HOST_KEY}\nevil` })] },
      { repos: [repo({ user: "-oProxyCommand=x" })] },
      { repos: [repo({ port: 0 })] },
    ]
  ) {
    assert.throws(() => renderGateConfig(bad), JSON.stringify(bad));
  }
});

Deno.test("parseGateConfig() names the problem of a bad file", () => {
  assert.match(parseGateConfig("{").problem ?? "", /^is not JSON: /);
  assert.match(parseGateConfig('{"repos":[]}').problem ?? "", /^repos: /);
  const extra = JSON.stringify({ repos: [{ ...repo(), key: "-----BEGIN" }] });
  assert.ok(parseGateConfig(extra).problem !== undefined, "no key material in the file");
  const badHost = JSON.stringify({ repos: [repo({ host: "Git.Test" })] });
  assert.match(parseGateConfig(badHost).problem ?? "", /^repos\.0\.host: /);
});
