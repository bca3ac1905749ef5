/**
 * The `token_patterns` rules: credential formats, each found at a literal (its prefix, or the
 * label a value sits next to).
 *
 * Every match starts at one of its rule's `literals` (a value group may take a few bytes before
 * it from a lookbehind), so the scanner only runs a rule's regex where a literal occurs (found with
 * a bigram table, see `_token_scanner.ts`). Every quantifier is bounded and no two adjacent
 * quantified classes overlap, so one attempt costs at most `maxLength` steps; the left-boundary
 * check means two attempts of the same rule never scan the same run. The rules are data, in four
 * tables with their examples; earlier entries win where two match at one offset, so specific
 * formats come before the generic `sk-` one.
 */
import { CORE_TOKENS } from "./_token_table_core.ts";
import { CLOUD_TOKENS } from "./_token_table_cloud.ts";
import { SAAS_TOKENS } from "./_token_table_saas.ts";
import { LABELLED_TOKENS } from "./_token_table_labelled.ts";
import { NATIONAL_ID_SPECS } from "./_national_ids.ts";
import type { LeftBoundary, TokenSpec } from "./_token_spec.ts";

export type { LeftBoundary } from "./_token_spec.ts";

/** One credential format, compiled. */
export interface TokenRule {
  /** Rule name reported in findings. */
  readonly name: string;
  /** A match starts with one of these. */
  readonly literals: readonly string[];
  /** Compare literals ASCII case-insensitively. */
  readonly ignoreCase: boolean;
  /** Per literal, the index of the first of the two bigrams it is looked up by (`pickAnchor`). */
  readonly anchors: readonly number[];
  /** Sticky regex run at the literal. */
  readonly pattern: RegExp;
  /** Upper bound of a match's length: the stream overlap this rule needs. */
  readonly maxLength: number;
  /** Characters after a match the regex may still look at (1 for a greedy stop or lookahead). */
  readonly slack: number;
  /** Characters that may not precede the match. */
  readonly leftBoundary: LeftBoundary;
  /** Leading characters safe to show in a snippet (the public prefix). */
  readonly shown: number;
  /** When true the finding runs from capture group 1 to the end of the match. */
  readonly valueGroup: boolean;
  /** Matches this rejects are not reported (public by design, or failing a check). */
  readonly reject?: (value: string) => boolean;
}

/** Every table entry, in priority order. */
export const TOKEN_SPECS: readonly TokenSpec[] = Object.freeze([
  ...SAAS_TOKENS,
  ...CLOUD_TOKENS,
  ...LABELLED_TOKENS,
  ...CORE_TOKENS,
  ...NATIONAL_ID_SPECS,
]);

/**
 * The 300 most frequent printable bigrams of source code, docs and prose, most frequent first
 * (counted over 57 MB of npm packages, Debian docs and Python modules).
 */
const COMMON_BIGRAMS: ReadonlyMap<string, number> = new Map(
  ("re in er on de co or th st te es en at se od ti an he le it </ al as nt li ar io pa " +
    'tr ro ss ng is ri et me >< ns ed to pe la ct om ec =" no ta nd ra ex ef el ne sp cl ' +
    "ma ll ce am ch ur ve \"> rt na ', nc ul il tt pr // ea ht ge rs js s. fi ac ca ut un " +
    'si ue em ty po pt ha di fo ad lo op yp if ou va ic ot e> /n s= s: ", lt tu gi mp ); ' +
    "id ke rr tp ts hi rn oc be e. ps ol im su us .c so /c hr ck mi == () i> /a ab ub ls " +
    ':/ ** bl s/ lu pl xt of da ap ag "h e( -- n> ie um /s <a pu a> qu lf ), ep ho ": sc ' +
    'ey ai <s wi 00 cr ry xp ig mo do f= s- t. bu hu ow b. ir t( mm e/ Re e" ni m/ ru fa ' +
    'dd /g rm oo ia "" sl iv /p ej e, ip sh e: rg eq (h ]( ml e_ /l ba f. ib up fe <c ee ' +
    "os Co t_ St ') rd e) hl fu nu ui s\" ld lj fr sa Th ff tm je eg ly pi bj r. ev au pp " +
    "bo rc 0, In .s ob (s cu _s xs ): <l r( No ay mb )) t\" br __ `` av t- p> .p t/ wo r' " +
    ".0 /t .h s) /d l/ ). ._ (' ew td ms ua ci Zo ds .t _c d. wa ").trim().split(" ").map((
      bigram,
      rank,
    ) => [bigram, rank]),
);

/**
 * English letter pairs, most frequent first: prose (docs, chat, commit messages) is most of what
 * a literal made of lower-case letters is looked up in.
 */
const ENGLISH_BIGRAMS: ReadonlyMap<string, number> = new Map(
  ("th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou " +
    "io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di " +
    "fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em " +
    "ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig " +
    "tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do " +
    "uc bu ei ov by rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va " +
    "um pp ua up lu go ht ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl " +
    "ny ki rk ys ob mm fu ph og ms ye ud mb ip ub oi rl gu dr hr cc tw ft wn nu af hu nn " +
    "eo vo rv nf xp gn sm fl iz ok nl my gl aw ju oa eq sy sl ps jo lf nv je nk kn gs dy " +
    "hy ze ks xt bs ik dd cy rp sk xi oe oy ws ").trim().split(" ").map((
      bigram,
      rank,
    ) => [bigram, rank]),
);
const BASE64 = /^[A-Za-z0-9+/]{2}$/;

/**
 * Roughly how often `bigram` (each case spelling the table holds, when `ignoreCase`) starts a
 * position of benign traffic: prose and code by its rank in the lists above, base64 bodies
 * (images, archives, tokens) once in 4096 positions per spelling of base64 characters.
 */
function bigramCost(bigram: string, ignoreCase: boolean): number {
  const key = ignoreCase ? bigram.toLowerCase() : bigram;
  const rank = Math.min(COMMON_BIGRAMS.get(key) ?? 400, ENGLISH_BIGRAMS.get(key) ?? 400);
  const text = 0.035 * Math.exp(-rank / 60);
  const spellings = ignoreCase && /[A-Za-z]/.test(bigram) ? 2 : 1;
  return text + (BASE64.test(bigram) ? (4 * spellings) / 4096 : 0);
}

/**
 * The offset in `literal` of the adjacent bigram pair that occurs least in ordinary text and
 * base64. The scanner looks up the bigrams at the offset and the next one, so one of them starts
 * at an even position whatever the alignment.
 */
export function pickAnchor(literal: string, ignoreCase: boolean): number {
  let best = 0;
  let bestCost = Infinity;
  for (let at = 0; at + 3 <= literal.length; at++) {
    const cost = bigramCost(literal.slice(at, at + 2), ignoreCase) +
      bigramCost(literal.slice(at + 1, at + 3), ignoreCase);
    if (cost < bestCost) [best, bestCost] = [at, cost];
  }
  return best;
}

/** Fresh rule objects (sticky regexes carry `lastIndex`, so each engine owns its own). */
export function tokenRules(): TokenRule[] {
  return TOKEN_SPECS.map((spec) => {
    const { source, tp: _tp, fp: _fp, regexIgnoreCase: _regexIgnoreCase, ...rest } = spec;
    const valueGroup = spec.valueGroup ?? false;
    const ignoreCase = spec.ignoreCase ?? false;
    const regexIgnoreCase = spec.regexIgnoreCase ?? ignoreCase;
    const flags = `${valueGroup ? "d" : ""}${regexIgnoreCase ? "i" : ""}y`;
    return {
      slack: 1,
      ...rest,
      ignoreCase,
      anchors: spec.literals.map((literal) => pickAnchor(literal, ignoreCase)),
      valueGroup,
      pattern: new RegExp(source, flags),
    };
  });
}
