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
 * @param patterns Pattern `i` is reported as id `i`.
 * @returns The automaton; memory is about `16 × width` bytes per pattern character.
 */
export function buildAutomaton(
  patterns: readonly (readonly number[])[],
  options: AutomatonOptions,
): Automaton {
  const { width } = options;
  const goto: number[] = new Array(width).fill(-1);
  const own: number[][] = [[]];
  const lastClass: number[] = [0];
  patterns.forEach((pattern, id) => {
    let s = 0;
    for (const c of pattern) {
      let t = goto[s * width + c]!;
      if (t === -1) {
        t = own.length;
        goto[s * width + c] = t;
        for (let k = 0; k < width; k++) goto.push(-1);
        own.push([]);
        lastClass.push(c);
      }
      s = t;
    }
    own[s]!.push(id);
  });
  const count = own.length;
  const delta = new Int32Array(count * width);
  const fail = new Int32Array(count);
  const outs: number[][] = own.map((ids) => [...ids]);
  const order: number[] = [0];
  for (let c = 0; c < width; c++) {
    const t = goto[c]!;
    delta[c] = t === -1 ? 0 : t;
    if (t !== -1) order.push(t);
  }
  for (let q = 1; q < order.length; q++) {
    const s = order[q]!;
    outs[s]!.push(...outs[fail[s]!]!);
    for (let c = 0; c < width; c++) {
      const t = goto[s * width + c]!;
      if (t === -1) {
        delta[s * width + c] = delta[fail[s]! * width + c]!;
      } else {
        fail[t] = delta[fail[s]! * width + c]!;
        delta[s * width + c] = t;
        order.push(t);
      }
    }
  }
  for (let s = 0; s < count; s++) {
    if (options.ignoreClass !== undefined) delta[s * width + options.ignoreClass] = s;
    if (options.collapseClass !== undefined && lastClass[s] === options.collapseClass) {
      delta[s * width + options.collapseClass] = s;
    }
  }
  return renumber(delta, outs, options);
}

/** Move accepting states to the end and premultiply, so the hot loop needs one comparison. */
function renumber(delta: Int32Array, outs: number[][], options: AutomatonOptions): Automaton {
  const { width } = options;
  const count = outs.length;
  const idOf = new Int32Array(count);
  const oldOf: number[] = [];
  for (const accepting of [false, true]) {
    for (let s = 0; s < count; s++) {
      if ((outs[s]!.length > 0) === accepting) {
        idOf[s] = oldOf.length;
        oldOf.push(s);
      }
    }
  }
  const table = new Int32Array(count * width);
  const outputs: (readonly number[])[] = [];
  let acceptFrom = count;
  oldOf.forEach((old, id) => {
    for (let c = 0; c < width; c++) table[id * width + c] = idOf[delta[old * width + c]!]! * width;
    outputs.push(outs[old]!.sort((a, b) => a - b));
    if (outs[old]!.length > 0 && id < acceptFrom) acceptFrom = id;
  });
  return {
    classes: options.classes,
    width,
    delta: table,
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
