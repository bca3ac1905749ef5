import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  base58ChecksumOk,
  base58Decode,
  cnResidentIdValid,
  cpfValid,
  dniLetter,
  ibanValid,
  luhnValid,
  segwitValid,
  sha256,
} from "./_checksums.ts";

const codes = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
const digits = (text: string) => Array.from(text, Number);

Deno.test("sha256() matches node's SHA-256 across block boundaries", () => {
  for (const length of [0, 1, 3, 31, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200, 1000]) {
    const message = Uint8Array.from({ length }, (_, k) => (k * 131 + length) & 0xff);
    const expected = createHash("sha256").update(message).digest("hex");
    assert.equal(Buffer.from(sha256(message)).toString("hex"), expected, `${length} bytes`);
  }
  assert.equal(
    Buffer.from(sha256(new TextEncoder().encode("abc"))).toString("hex"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("luhnValid() and ibanValid() accept valid numbers and refuse one changed digit", () => {
  assert.ok(luhnValid(digits("79927398713")));
  assert.ok(!luhnValid(digits("79927398710")));
  assert.ok(ibanValid(codes("GB82WEST12345698765432")));
  assert.ok(ibanValid(codes("gb82west12345698765432")));
  assert.ok(!ibanValid(codes("GB82WEST12345698765433")));
  assert.ok(!ibanValid(codes("GB28WEST12345698765432")), "swapped check digits");
});

Deno.test("base58Decode() keeps leading zeros and base58ChecksumOk() checks the last 4 bytes", () => {
  const decoded = base58Decode(codes("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"))!;
  assert.equal(decoded.length, 25);
  assert.equal(decoded[0], 0);
  assert.equal(
    Buffer.from(decoded.subarray(1, 21)).toString("hex"),
    "62e907b15cbf27d5425399ebf6f0fb50ebb88f18",
  );
  assert.ok(base58ChecksumOk(decoded));
  decoded[10]! ^= 1;
  assert.ok(!base58ChecksumOk(decoded));
  assert.equal(
    base58Decode(codes("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na")),
    undefined,
    "0 is not base58",
  );
});

Deno.test("segwitValid() checks the bech32/bech32m constant, version and program length", () => {
  assert.ok(segwitValid(codes("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")));
  assert.ok(segwitValid(codes("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")));
  assert.ok(!segwitValid(codes("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp")));
  assert.ok(!segwitValid(codes("bc1bar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")), "b is not bech32");
  assert.ok(!segwitValid(codes("bc1qqqqqqqqqq")), "too short for a program");
});

Deno.test("national check digits: CPF, DNI/NIE letters, Chinese resident IDs", () => {
  assert.ok(cpfValid(digits("52998224725")));
  assert.ok(!cpfValid(digits("52998224726")));
  assert.ok(!cpfValid(digits("00000000000")), "repeated digits pass the arithmetic but are void");
  assert.equal(String.fromCharCode(dniLetter(12345678)), "Z");
  assert.equal(String.fromCharCode(dniLetter(1234567)), "L");
  assert.ok(cnResidentIdValid(codes("11010519491231002X")));
  assert.ok(cnResidentIdValid(codes("11010519491231002x")));
  assert.ok(!cnResidentIdValid(codes("110105194912310021")));
  assert.ok(!cnResidentIdValid(codes("11010519490230002X")), "30 February");
  assert.ok(!cnResidentIdValid(codes("99010519491231002X")), "no province 99");
});
