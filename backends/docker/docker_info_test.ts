import assert from "node:assert/strict";
import { dockerInfoErrors, parseDockerInfo } from "./_docker_info.ts";

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

Deno.test("dockerInfoErrors() reads why a daemon did not answer from the JSON (Docker 20.10's CLI)", () => {
  const stdout = JSON.stringify({
    ServerErrors: ["Cannot connect to the Docker daemon at unix:///x.sock. Is it running?"],
  });
  assert.deepEqual(dockerInfoErrors(stdout), [
    "Cannot connect to the Docker daemon at unix:///x.sock. Is it running?",
  ]);
  for (const other of ["", "not json", "{}", '{"ServerErrors":[1,""]}', "null"]) {
    assert.deepEqual(dockerInfoErrors(other), [], other);
  }
});
