import assert from "node:assert/strict";
import { canonicalAddress, parseIp, parseIPv4 } from "./_ip.ts";

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

Deno.test("parseIPv4() takes exactly four decimal octets of 0-255 without leading zeros", () => {
  const table: [string, number[] | undefined][] = [
    ["0.0.0.0", [0, 0, 0, 0]],
    ["255.255.255.255", [255, 255, 255, 255]],
    ["10.100.1.09", undefined],
    ["1.2.3.00", undefined],
    ["1.2.3.256", undefined],
    ["1.2.3.1000", undefined],
    ["1.2.3.4.", undefined],
    [".1.2.3.4", undefined],
    ["1..2.3", undefined],
    ["1.2.3.4.5", undefined],
    ["1.2.3", undefined],
    ["", undefined],
    ["1.2.3.4 ", undefined],
    ["1.2.3.+4", undefined],
    ["1.2.3.0x4", undefined],
    ["١.2.3.4", undefined], // an Arabic-Indic digit one
    ["bench.test", undefined],
  ];
  assert.deepEqual(table.map(([text]) => [text, parseIPv4(text)]), table);
});
