import assert from "node:assert/strict";
import { pinnedSubnetCandidate, subnetTaken } from "./_pinned_subnet.ts";

/** Hands out the given bytes in turn. */
function bytes(...values: number[]): (into: Uint8Array) => Uint8Array {
  return (into) => {
    into[0] = values.shift()!;
    return into;
  };
}

Deno.test("pinnedSubnetCandidate() is a link-local /24 with the sidecar outside the agent's range", () => {
  assert.deepEqual(pinnedSubnetCandidate(bytes(23)), {
    subnet: "169.254.23.0/24",
    gateway: "169.254.23.1",
    ipRange: "169.254.23.128/25",
    sidecarIp: "169.254.23.2",
  });
});

Deno.test("pinnedSubnetCandidate() skips the reserved /24s and the clouds' metadata one", () => {
  assert.equal(pinnedSubnetCandidate(bytes(0, 169, 255, 7)).subnet, "169.254.7.0/24");
});

Deno.test("subnetTaken() knows docker's refusal of a subnet another network holds", () => {
  assert.ok(
    subnetTaken("Error response from daemon: Pool overlaps with other one on this address space"),
  );
  assert.ok(subnetTaken(
    "Error response from daemon: failed to allocate gateway (169.254.2.1): Address already in use",
  ));
  assert.ok(!subnetTaken("Error response from daemon: network with name x already exists"));
});
