import assert from "node:assert/strict";
import { sidecarAccounts } from "./_passwd.ts";

Deno.test("sidecarAccounts() names the host uid and gid beside root", () => {
  assert.deepEqual(sidecarAccounts(1000, 1000), {
    passwd: "root:x:0:0:root:/tmp:/usr/sbin/nologin\n" +
      "bot-bottle:x:1000:1000:bot-bottle:/tmp:/usr/sbin/nologin\n",
    group: "root:x:0:\nbot-bottle:x:1000:\n",
  });
  assert.deepEqual(sidecarAccounts(1001, 0), {
    passwd: "root:x:0:0:root:/tmp:/usr/sbin/nologin\n" +
      "bot-bottle:x:1001:0:bot-bottle:/tmp:/usr/sbin/nologin\n",
    group: "root:x:0:\n",
  });
});

Deno.test("sidecarAccounts() gives a root host user only root, at home in /tmp", () => {
  assert.deepEqual(sidecarAccounts(0, 0), {
    passwd: "root:x:0:0:root:/tmp:/usr/sbin/nologin\n",
    group: "root:x:0:\n",
  });
});

Deno.test("sidecarAccounts() refuses ids that are not non-negative integers", () => {
  for (const [uid, gid] of [[-1, 0], [0, 1.5], [Number.NaN, 0]] as const) {
    assert.throws(() => sidecarAccounts(uid, gid), RangeError);
  }
});
