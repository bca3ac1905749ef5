/**
 * The data of the `checksummed` detector: card networks by IIN range and length, and the IBAN
 * length of each country that registers one (ISO 13616). A card number must fall in a network's
 * range with one of its lengths before Luhn is even tried, so numbers that only happen to pass
 * Luhn (timestamps start with 1, snowflake IDs with 1 to 9 at lengths no network uses) stay out.
 */

/** A card network: IIN prefixes as inclusive ranges of equal-length decimal strings. */
interface Network {
  readonly name: string;
  readonly ranges: readonly (readonly [string, string])[];
  readonly lengths: readonly number[];
}

const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19];

/** Card networks, most specific first (UnionPay's 62 after Discover's 622126-622925). */
const NETWORKS: readonly Network[] = [
  { name: "visa", ranges: [["4", "4"]], lengths: [13, 16, 19] },
  { name: "mastercard", ranges: [["51", "55"], ["2221", "2720"]], lengths: [16] },
  { name: "amex", ranges: [["34", "34"], ["37", "37"]], lengths: [15] },
  {
    name: "discover",
    ranges: [["6011", "6011"], ["644", "649"], ["65", "65"], ["622126", "622925"]],
    lengths: SIXTEEN_TO_NINETEEN,
  },
  { name: "jcb", ranges: [["3528", "3589"]], lengths: SIXTEEN_TO_NINETEEN },
  { name: "diners", ranges: [["300", "305"], ["3095", "3095"], ["38", "39"]], lengths: [14, 16] },
  { name: "diners", ranges: [["36", "36"]], lengths: [14] },
  { name: "unionpay", ranges: [["62", "62"]], lengths: SIXTEEN_TO_NINETEEN },
  { name: "mir", ranges: [["2200", "2204"]], lengths: SIXTEEN_TO_NINETEEN },
  {
    name: "maestro",
    ranges: [
      ["5018", "5018"],
      ["5020", "5020"],
      ["5038", "5038"],
      ["5893", "5893"],
      [
        "6304",
        "6304",
      ],
      ["6759", "6759"],
      ["6761", "6763"],
    ],
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  },
];

/** One IIN range as numbers: the first `digits` digits of a card fall in `[low, high]`. */
interface CompiledRange {
  readonly name: string;
  readonly digits: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Per card length (index), the ranges of the networks that issue it, in `NETWORKS` order: a
 * number is judged by arithmetic on its leading digits, with no string built (timestamps and ids
 * of card lengths are everywhere in traffic).
 */
const RANGES_BY_LENGTH: readonly (readonly CompiledRange[])[] = Array.from(
  { length: 20 },
  (_, length) =>
    NETWORKS.filter((n) => n.lengths.includes(length)).flatMap(({ name, ranges }) =>
      ranges.map(([low, high]) => ({
        name,
        digits: low.length,
        low: Number(low),
        high: Number(high),
      }))
    ),
);

/** Per card length, a bit per leading digit (0-9) that some network of that length issues. */
const LEADING_DIGITS: readonly number[] = RANGES_BY_LENGTH.map((ranges) => {
  let bits = 0;
  for (const { digits, low, high } of ranges) {
    const scale = 10 ** (digits - 1);
    for (let d = Math.floor(low / scale); d <= Math.floor(high / scale); d++) bits |= 1 << d;
  }
  return bits;
});

/**
 * Whether any network issues card numbers of this length starting with this digit: most numbers
 * in traffic (timestamps start with 1) are ruled out before their digits are read.
 *
 * @param length The number of digits.
 * @param first The leading digit's value, 0-9.
 */
export function mayBeCard(length: number, first: number): boolean {
  return ((LEADING_DIGITS[length] ?? 0) & (1 << first)) !== 0;
}

/**
 * The network a card number of this length belongs to, by its leading digits.
 *
 * @param digits The number's digits as values 0-9.
 * @returns The network's name, or `undefined` when no network issues such a number.
 */
export function cardNetwork(digits: ArrayLike<number>): string | undefined {
  const ranges = RANGES_BY_LENGTH[digits.length];
  if (ranges === undefined) return undefined;
  for (const { name, digits: count, low, high } of ranges) {
    let prefix = 0;
    for (let k = 0; k < count; k++) prefix = prefix * 10 + digits[k]!;
    if (prefix >= low && prefix <= high) return name;
  }
  return undefined;
}

/** The IBAN length of a country code given as two bytes of any case, or 0. */
export function ibanLength(first: number, second: number): number {
  const a = (first | 0x20) - 97;
  const b = (second | 0x20) - 97;
  return a >= 0 && a < 26 && b >= 0 && b < 26 ? IBAN_BY_CODE[a * 26 + b]! : 0;
}

/** Country code → IBAN length (upper-case code). */
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(
  (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 " +
    "EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 " +
    "IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MR27 MT31 MU30 " +
    "NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 " +
    "TN24 TR26 UA29 VA22 VG24 XK20"
  ).split(" ").map((entry) => [entry.slice(0, 2), Number(entry.slice(2))]),
);

const IBAN_BY_CODE = (() => {
  const table = new Uint8Array(26 * 26);
  for (const [code, length] of IBAN_LENGTHS) {
    table[(code.charCodeAt(0) - 65) * 26 + code.charCodeAt(1) - 65] = length;
  }
  return table;
})();
