import assert from "node:assert/strict";
import { parseDockerInfo } from "./_docker_info.ts";

Deno.test("parseDockerInfo() reads the server version and a registered runsc", () => {
  assert.deepEqual(
    parseDockerInfo('{"ServerVersion":"20.10.24","Runtimes":{"runc":{},"runsc":{"path":"runsc"}}}'),
    { version: "20.10.24", runsc: true },
  );
  assert.deepEqual(parseDockerInfo('{"ServerVersion":"28.2.2","Runtimes":{"runc":{}}}'), {
    version: "28.2.2",
    runsc: false,
  });
});

Deno.test("parseDockerInfo() treats anything but a daemon's JSON as unreachable", () => {
  for (const stdout of ["", "not json", "{}", '{"ServerVersion":""}', "null"]) {
    assert.equal(parseDockerInfo(stdout), undefined, stdout);
  }
});
