/**
 * Aho–Corasick over byte classes, compiled to a dense DFA so the hot loop is one table lookup per
 * byte (`state = delta[state + classes[byte]]`) and cost is linear whatever the input.
 *
 * Two byte-class tweaks serve the detectors: an `ignoreClass` is skipped everywhere (separators
 * between the characters of a secret), and a `collapseClass` run counts as one character
 * (whitespace between the words of a phrase).
 */

/** A compiled automaton. States are premultiplied by `width` so no multiply runs per byte. */
export interface Automaton {
  /** Byte → class. */
  readonly classes: Uint8Array;
  /** Number of classes, the row width of `delta`. */
  readonly width: number;
  /** Transition table: `delta[state + class]` is the next (premultiplied) state. */
  readonly delta: Int32Array;
  /** Every state at or above this one ends at least one pattern. */
  readonly acceptFrom: number;
  /** Pattern ids that end in `state` (premultiplied), in id order. */
  outputs(state: number): readonly number[];
}

/** How to build an automaton. */
export interface AutomatonOptions {
  /** Byte → class; patterns are written in classes `1..width-1`. */
  classes: Uint8Array;
  /** Number of classes. */
  width: number;
  /** Class whose bytes are invisible to matching. */
  ignoreClass?: number;
  /** Class whose runs match a single occurrence in a pattern. */
  collapseClass?: number;
}

/**
 * Compile patterns (class sequences, each non-empty) into a DFA.
 *
 * Why built this way: the injection detector's DFA has about 5,000 states of 75 classes, and a
 * build through a growing array per state and a second table to renumber into left ~13 MB of
 * garbage behind, which a sidecar kept as resident memory. Here the trie is sparse (a child and a
 * sibling per state), the table is allocated once at its final size, and renumbered in place.
 *
 * @param patterns Pattern `i` is reported as id `i`.
 * @returns The automaton; its table is `4 × width` bytes per state (the root, and at most one
 *   per pattern character).
 * @throws {RangeError} On an empty pattern (it would end everywhere).
 */
export function buildAutomaton(
  patterns: readonly (readonly number[])[],
  options: AutomatonOptions,
): Automaton {
  const { width } = options;
  const trie = buildTrie(patterns);
  const { count, child, sibling, label, ends } = trie;
  const delta = new Int32Array(count * width);
  const fail = new Int32Array(count);
  const order = new Int32Array(count);
  /** Per state, the pattern ids that end there (its own and its fail chain's); empty: none. */
  const outs: (readonly number[])[] = new Array(count).fill(NONE);
  let queued = 1;
  // Breadth first, so a state's fail state (shallower) has its whole row when the state is read.
  for (let q = 0; q < queued; q++) {
    const s = order[q]!;
    const row = s * width;
    if (s !== 0) {
      delta.copyWithin(row, fail[s]! * width, fail[s]! * width + width);
      const own = ends.get(s);
      const inherited = outs[fail[s]!]!;
      // Read only: a state that ends nothing itself shares its fail state's ids.
      outs[s] = own === undefined ? inherited : [...own, ...inherited].sort((a, b) => a - b);
    }
    for (let t = child[s]!; t !== 0; t = sibling[t]!) {
      // The root's children read its row before their own slot is set: their fail state is 0.
      fail[t] = delta[fail[s]! * width + label[t]!]!;
      delta[row + label[t]!] = t;
      order[queued++] = t;
    }
  }
  for (let s = 0; s < count; s++) {
    if (options.ignoreClass !== undefined) delta[s * width + options.ignoreClass] = s;
    if (options.collapseClass !== undefined && label[s] === options.collapseClass) {
      delta[s * width + options.collapseClass] = s;
    }
  }
  return renumber(delta, outs, options);
}

/** No pattern ends here (shared: never written). */
const NONE: readonly number[] = Object.freeze([]);

/** A trie of class sequences: state 0 is the root, states are numbered as first reached. */
interface Trie {
  /** States, the root included. */
  count: number;
  /** Per state, its first child (0: none). */
  child: Int32Array;
  /** Per state, the next child of its parent (0: none). */
  sibling: Int32Array;
  /** Per state, the class of the edge into it. */
  label: Int32Array;
  /** The pattern ids that end at a state, for the states where any does. */
  ends: Map<number, number[]>;
}

/** The trie of the patterns, sized by their characters before any state is made. */
function buildTrie(patterns: readonly (readonly number[])[]): Trie {
  let most = 1;
  for (const [id, pattern] of patterns.entries()) {
    if (pattern.length === 0) throw new RangeError(`Cannot compile pattern ${id}: it is empty`);
    most += pattern.length;
  }
  const child = new Int32Array(most);
  const sibling = new Int32Array(most);
  const label = new Int32Array(most);
  const ends = new Map<number, number[]>();
  let count = 1;
  patterns.forEach((pattern, id) => {
    let s = 0;
    for (const c of pattern) {
      let t = child[s]!;
      while (t !== 0 && label[t] !== c) t = sibling[t]!;
      if (t === 0) {
        t = count++;
        label[t] = c;
        sibling[t] = child[s]!;
        child[s] = t;
      }
      s = t;
    }
    const ids = ends.get(s);
    if (ids === undefined) ends.set(s, [id]);
    else ids.push(id);
  });
  return { count, child, sibling, label, ends };
}

/**
 * Move accepting states to the end and premultiply, so the hot loop needs one comparison: the
 * values are mapped, then the rows moved along the permutation's cycles, in place.
 */
function renumber(
  delta: Int32Array,
  outs: readonly (readonly number[])[],
  options: AutomatonOptions,
): Automaton {
  const { width } = options;
  const count = outs.length;
  const idOf = new Int32Array(count);
  let next = 0;
  /** Accepting states are numbered from here: after every state that ends nothing. */
  let acceptFrom = 0;
  for (const accepting of [false, true]) {
    if (accepting) acceptFrom = next;
    for (let s = 0; s < count; s++) {
      if ((outs[s]!.length > 0) === accepting) idOf[s] = next++;
    }
  }
  for (let i = 0; i < delta.length; i++) delta[i] = idOf[delta[i]!]! * width;
  const outputs: (readonly number[])[] = new Array(count);
  for (let s = 0; s < count; s++) outputs[idOf[s]!] = outs[s]!;
  // Row `s` goes to row `idOf[s]`: follow each cycle of the permutation, carrying the row each
  // move displaces on to its own place.
  let held = new Int32Array(width);
  let displaced = new Int32Array(width);
  const placed = new Uint8Array(count);
  for (let first = 0; first < count; first++) {
    if (placed[first] === 1 || idOf[first] === first) continue;
    held.set(delta.subarray(first * width, first * width + width));
    for (let at = first;;) {
      const to = idOf[at]!;
      placed[at] = 1;
      if (to === first) {
        delta.set(held, to * width);
        break;
      }
      displaced.set(delta.subarray(to * width, to * width + width));
      delta.set(held, to * width);
      [held, displaced] = [displaced, held];
      at = to;
    }
  }
  return {
    classes: options.classes,
    width,
    delta,
    acceptFrom: acceptFrom * width,
    outputs: (state) => outputs[state / width]!,
  };
}

/**
 * Feed `bytes[from, to)` to the automaton from `state`, appending `index, state` to `hits` for
 * every step that lands in an accepting state. Returns the final state.
 *
 * A DFA step waits on the previous one, so on a long range two lanes run interleaved (about
 * twice the throughput): the second lane starts from the root `window` bytes before its half, so
 * it sees whole every match that spans at most `window` bytes and ends in its half. Callers reject
 * longer matches anyway, so the result is the same as one lane's.
 */
export function runAutomaton(
  automaton: Automaton,
  bytes: Uint8Array,
  range: { from: number; to: number; state: number; window: number },
  hits: number[],
): number {
  const { delta, classes, acceptFrom } = automaton;
  const { from, to, window } = range;
  let st = range.state;
  let j = from;
  if (to - from >= 4 * window) {
    const mid = (from + to + window) >>> 1;
    const lane2 = mid - window;
    const lane2Hits: number[] = [];
    let st2 = 0;
    for (let k = 0; k < mid - from; k++) {
      st = delta[st + classes[bytes[from + k]!]!]!;
      st2 = delta[st2 + classes[bytes[lane2 + k]!]!]!;
      if (st >= acceptFrom) hits.push(from + k, st);
      if (st2 >= acceptFrom && lane2 + k >= mid) lane2Hits.push(lane2 + k, st2);
    }
    for (const h of lane2Hits) hits.push(h);
    st = st2;
    j = lane2 + (mid - from);
  }
  for (; j < to; j++) {
    st = delta[st + classes[bytes[j]!]!]!;
    if (st >= acceptFrom) hits.push(j, st);
  }
  return st;
}
