import assert from "node:assert/strict";
import { OffsetMap } from "./_offset_map.ts";

/** A map of `groups` base64 groups: 4 parent characters, 3 decoded bytes each. */
function base64Map(groups: number): OffsetMap {
  const map = new OffsetMap();
  for (let g = 0; g < groups; g++) for (let b = 0; b < 3; b++) map.add(10 + 4 * g, 14 + 4 * g);
  return map;
}

Deno.test("OffsetMap maps decoded spans onto the parent groups they came from", () => {
  const map = base64Map(4);
  assert.equal(map.end, 12);
  assert.deepEqual(map.toParent(0, 3), { start: 10, end: 14, decoded: true });
  assert.deepEqual(map.toParent(4, 8), { start: 14, end: 22, decoded: true });
  assert.deepEqual(map.toParent(11, 12), { start: 22, end: 26, decoded: true });
  assert.equal(map.parentOffset(5), 14);
  assert.equal(map.parentOffset(12), Infinity);
});

Deno.test("OffsetMap keeps the groups a later finding may still need after forget()", () => {
  const map = base64Map(1000);
  map.forget(1500);
  map.forget(2400);
  assert.deepEqual(map.toParent(2400, 2403), { start: 3210, end: 3214, decoded: true });
  assert.deepEqual(map.toParent(2998, 3000), { start: 4006, end: 4010, decoded: true });
  assert.equal(map.parentOffset(2401), 3210);
  map.add(4010, 4011);
  assert.deepEqual(map.toParent(2999, 3001), { start: 4006, end: 4011, decoded: true });
});
