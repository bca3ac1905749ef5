import assert from "node:assert/strict";
import { listProbe, readProbe } from "./_dialect.ts";

Deno.test("readProbe() takes a rootful podman with netavark and refuses the others, saying why", () => {
  assert.deepEqual(readProbe("4.3.1 false netavark\n"), {
    ok: true,
    detail: "podman engine 4.3.1 (rootful, netavark)",
  });
  assert.deepEqual(readProbe("4.3.1 true netavark\n"), {
    ok: false,
    reason: "podman 4.3.1 runs rootless; bottles run on rootful podman only (run as root)",
  });
  assert.deepEqual(readProbe("4.3.1 false cni\n"), {
    ok: false,
    reason: "podman 4.3.1 uses the cni network backend; bottles need netavark",
  });
});

Deno.test("listProbe() asks root's podman only whether it answers, another user's the full probe", () => {
  const probe = listProbe(0);
  assert.deepEqual(probe?.args, ["version", "--format", "{{.Client.Version}}"]);
  assert.deepEqual(probe?.read("4.3.1\n"), { ok: true, detail: "podman 4.3.1" });
  assert.equal(listProbe(1000), undefined);
  assert.equal(listProbe(null), undefined);
});
