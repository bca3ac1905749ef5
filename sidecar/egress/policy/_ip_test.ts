import assert from "node:assert/strict";
import { canonicalAddress, parseIp } from "./_ip.ts";

Deno.test("canonicalAddress() spells each address one way", () => {
  const table: [string, string | undefined][] = [
    ["10.0.0.2", "10.0.0.2"],
    ["::ffff:10.0.0.2", "10.0.0.2"],
    ["::ffff:a00:2", "10.0.0.2"],
    ["[2001:DB8::1]", "2001:db8:0:0:0:0:0:1"],
    ["2001:db8:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:1"],
    ["fe80::1%eth0", "fe80:0:0:0:0:0:0:1"],
    ["::", "0:0:0:0:0:0:0:0"],
    ["1::", "1:0:0:0:0:0:0:0"],
    ["example.com", undefined],
    ["1.2.3", undefined],
  ];
  assert.deepEqual(table.map(([text]) => [text, canonicalAddress(text)]), table);
});

Deno.test("parseIp() reports the family and rejects non-canonical IPv4 spellings", () => {
  assert.equal(parseIp("1.2.3.4")?.family, 4);
  assert.equal(parseIp("::1")?.family, 6);
  assert.equal(parseIp("01.2.3.4"), undefined);
  assert.equal(parseIp("1.2.3.-4"), undefined);
  assert.equal(parseIp("[1.2.3.4]"), undefined);
});
