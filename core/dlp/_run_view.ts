/**
 * The run layers of the decoded view: runs of base64 or base32 characters (wrapped lines joined)
 * and of hex digits (contiguous or delimited), decoded as they stream and scanned by fresh passes.
 *
 * Bounds, so the cost stays linear: a run is decoded only once it holds its kind's `minRun`
 * characters (24 for base64 and base32, 32 for hex), and only while its decoded bytes stay mostly
 * printable (judged on the first {@link PROBE} bytes, then per block): random binary (images,
 * packs, hashes) dies after a few characters, and a dead run is skipped a word at a time until it
 * ends. Runs are found without reading every byte (`_run_search.ts`).
 *
 * A base64 run in a URL path or after a label (`/v1/upload/Z2hw…`, `sha512-…`) does not start
 * where the encoding does, so a run whose first decoding is not printable is tried again past each
 * of its first few `/ + - _` (`: , - \` for hex).
 */
import { Branch, type Layer, type View, type ViewFinding } from "./_branch.ts";
import { OffsetMap } from "./_offset_map.ts";
import { MIN_DECODED, PROBE } from "./_run_gate.ts";
import { DEAD, Decoding, LIVE, PROBING } from "./_run_decoding.ts";
import { CLASS, findRun, skipRun } from "./_run_search.ts";
import { PlainSkip, untouched } from "./_run_plain.ts";
import { certainlyDead, RESTART_WITHIN, type RunKind } from "./_run_kinds.ts";
import { alignedBytes, NO_WORDS } from "./_window.ts";

/** Characters of a run kept to try it again from a later start. */
const PREFIX = 160;
/** One store for a view's prefix: its characters, then their offsets (32 bits each). */
const PREFIX_STORE = PREFIX * 5;
/** Tries start again at most this often. */
const RESTARTS = 8;
/** A batch larger than this (a run longer than most) is not kept for the next run: memory. */
const KEEP_BATCH = 4096;
/** Bytes at the end of a chunk kept for a run that may continue in the next. */
const TAIL = 36;
const CR = 0x0d;
const LF = 0x0a;

interface Run {
  start: number;
  chars: number;
  /** Characters since the last line break. */
  segment: number;
  prefix: Uint8Array;
  /** Offsets of the prefix's characters from the run's start (its first 160 span a few KiB). */
  prefixAt: Uint32Array;
  decodings: readonly Decoding[];
  /** Decodings not dead. */
  active: number;
  /** No decoding could start: the run is skipped to its end. */
  dead: boolean;
}

/** A run's prefix until it is read character by character (shared: never written). */
const NO_PREFIX = new Uint8Array(0);
const NO_PREFIX_AT = new Uint32Array(0);
/** What a restart found: a new start, none yet (a soft character may still come), none. */
const RESTARTED = 0;
const WAIT = 1;
const NONE = 2;
/** What a run's first segment settled: read it, read it past as dead (`#firstSegment`). */
const READ = -1;
const READ_DEAD = -2;
/** A run's decodings until it is long enough to make them (shared: never written). */
const NO_DECODINGS: readonly Decoding[] = [];

/** One kind of run, one layer. */
export class RunView implements View {
  readonly #kind: RunKind;
  readonly #layer: Layer;
  #run: Run | undefined;
  /** 0, or the line break seen inside the run: CR, LF (or CR LF). */
  #break = 0;
  /**
   * Taken from the layer's spares with the first tail kept and given back when the view ends: a
   * view is made for every decoded stream, and a new typed array costs about a microsecond.
   */
  #tail: Uint8Array | undefined;
  #tailLength = 0;
  #tailStart = 0;
  #end = 0;
  #out: ViewFinding[] = [];
  /**
   * The current run's first characters and their offsets (one run at a time), made with the
   * first run read character by character: a view is made for every decoded stream, and many
   * never see one.
   */
  #prefix: Uint8Array | undefined;
  #prefixAt: Uint32Array | undefined;
  /** The buffer both live in, taken from the layer's spares and given back when the view ends. */
  #prefixStore: Uint8Array | undefined;
  /**
   * Per decoder of the kind, the batch its last live decoding grew, for its next one: one run is
   * read at a time, and growing a fresh batch per live run was 5% of the run views' time.
   */
  readonly #batches: (Uint8Array | undefined)[] = [];
  /** Under escape decoding: past the runs it would drop unread. */
  readonly #plain: PlainSkip | undefined;

  /**
   * @param kind The runs to read.
   * @param layer Its passes, the layers below it, what the layer above decoded, its buffers.
   */
  constructor(kind: RunKind, layer: Layer) {
    this.#kind = kind;
    this.#layer = layer;
    this.#plain = layer.touched === undefined ? undefined : new PlainSkip();
  }

  push(chunk: Uint8Array, start: number, final: boolean): ViewFinding[] {
    this.#end = start + chunk.length;
    const out: ViewFinding[] = [];
    this.#out = out;
    if (this.#tailLength > 0) {
      // A view, not a copy: the tail is read before anything is kept in its place again.
      const tail = this.#tail!.subarray(0, this.#tailLength);
      this.#tailLength = 0;
      const next = this.#firstSegment(tail, 0, this.#tailStart, NO_WORDS, 0, false);
      if (next < 0) {
        this.#begin(this.#tailStart, next === READ_DEAD);
        this.#advance(tail, 0, this.#tailStart, NO_WORDS, 0);
      }
    }
    const n = chunk.length;
    const lead = Math.min(n, (4 - (chunk.byteOffset & 3)) & 3);
    const words = n - lead >= 4 * this.#kind.unit * this.#kind.span
      ? new Uint32Array(chunk.buffer, chunk.byteOffset + lead, (n - lead) >>> 2)
      : NO_WORDS;
    const plain = this.#plain;
    if (plain !== undefined) {
      plain.reset({ bytes: chunk, words, lead, base: start }, this.#layer.touched!, this.#kind.bit);
    }
    let i = 0;
    while (i < n) {
      if (this.#run !== undefined) {
        i = this.#advance(chunk, i, start, words, lead);
        continue;
      }
      if (plain !== undefined) i = plain.from(i);
      const at = findRun(chunk, i, words, lead, this.#kind);
      if (at < 0) {
        if (!final) this.#keepTail(chunk, i, start);
        break;
      }
      const next = this.#firstSegment(chunk, at, start, words, lead, final);
      if (next >= 0) {
        i = next;
        continue;
      }
      i = at;
      this.#begin(start + at, next === READ_DEAD);
    }
    if (final) {
      this.#endRun();
      this.#giveBack();
    } else {
      this.#flush();
    }
    return out;
  }

  get settled(): number {
    let settled = this.#end;
    if (this.#tailLength > 0) settled = this.#tailStart;
    const run = this.#run;
    if (run === undefined) return settled;
    if (run.dead) return settled;
    // A run not yet long enough may become so.
    if (run.decodings.length === 0) return Math.min(settled, run.start);
    for (const d of run.decodings) {
      if (d.state === PROBING) settled = Math.min(settled, run.start);
      else if (d.state === LIVE) {
        settled = Math.min(settled, d.branch!.parentSettled, d.decoder.pending);
      }
    }
    return settled;
  }

  /**
   * Settle the run at `from` on its first segment when that is enough, before anything is made
   * for it (most runs in traffic end here). `final`: `bytes` are the last of the input.
   *
   * @returns Where reading for runs resumes past it, or {@link READ} or {@link READ_DEAD}.
   */
  #firstSegment(
    bytes: Uint8Array,
    from: number,
    base: number,
    words: Uint32Array,
    lead: number,
    final: boolean,
  ): number {
    const n = bytes.length;
    const end = skipRun(bytes, from, words, lead, this.#kind.bit);
    // A run that ends in these bytes before it is long enough to decode (a line break after it
    // cannot join it to the next line either) is passed over whole.
    if (end < n && end - from < this.#kind.minRun) return end + 1;
    const touched = this.#layer.touched;
    // A run at the end of the input (a whole body's last line, a URL's last segment) is
    // complete: judged whole, not read character by character in case a next line continues it.
    const closed = final && onlyBreaks(bytes, end);
    if (
      (touched === undefined || !untouched(touched, bytes, { from, end, base })) &&
      !certainlyDead(this.#kind, bytes, { from, end, words, lead, closed })
    ) return READ;
    // It ends here, and no line break can join it to the next line (none follows, or the input
    // ends after it): done, without reading it.
    const next = bytes[end];
    return end < n && next !== LF && next !== CR ? end + 1 : READ_DEAD;
  }

  #begin(start: number, dead: boolean): void {
    // Decodings are made once the run is long enough: most runs in text never are.
    this.#run = {
      start,
      chars: 0,
      segment: 0,
      prefix: NO_PREFIX,
      prefixAt: NO_PREFIX_AT,
      decodings: NO_DECODINGS,
      active: dead ? 0 : this.#kind.decoders.length,
      dead,
    };
    this.#break = 0;
  }

  /** Read the run on from `i`; returns where reading for runs resumes (the run ended) or `n`. */
  #advance(
    bytes: Uint8Array,
    from: number,
    base: number,
    words: Uint32Array,
    lead: number,
  ): number {
    const run = this.#run!;
    const bit = this.#kind.bit;
    const n = bytes.length;
    for (let i = from; i < n; i++) {
      const byte = bytes[i]!;
      if ((CLASS[byte]! & bit) !== 0) {
        if (this.#break !== 0) {
          this.#break = 0;
          run.segment = 0;
        }
        if (run.active === 0) {
          const end = skipRun(bytes, i, words, lead, bit);
          run.chars += end - i;
          run.segment += end - i;
          i = end - 1;
          continue;
        }
        if (this.#allLive(run)) {
          // Only scanned decodings left: decode the rest of the run in these bytes in one go.
          const end = skipRun(bytes, i, words, lead, bit);
          for (const d of run.decodings) {
            if (d.state === LIVE && !d.feed(bytes, i, end, base)) this.#endLive(run, d);
          }
          run.chars += end - i;
          run.segment += end - i;
          i = end - 1;
          continue;
        }
        this.#add(run, byte, base + i);
        continue;
      }
      // Wrapped lines (MIME, PEM, `xxd -p`): a long line, LF or CR LF, and the run goes on.
      if (
        run.segment >= this.#kind.minRun &&
        (byte === LF ? this.#break !== LF : byte === CR && this.#break === 0)
      ) {
        this.#break = byte;
        continue;
      }
      this.#endRun();
      return i + 1;
    }
    return n;
  }

  /**
   * Take the prefix's store from the layer's spares: two typed arrays of their own per view were
   * two separately allocated stores to make and collect, for every body with a run.
   */
  #takePrefix(): void {
    const store = this.#layer.buffers?.take(PREFIX_STORE, { most: 2 * PREFIX_STORE }) ??
      alignedBytes(PREFIX_STORE);
    this.#prefixStore = store;
    this.#prefix = store.subarray(0, PREFIX);
    this.#prefixAt = new Uint32Array(store.buffer, store.byteOffset + PREFIX, PREFIX);
  }

  /** Give every buffer the view kept back (its prefix store, tail and batches): it reads no more. */
  #giveBack(): void {
    const buffers = this.#layer.buffers;
    if (this.#prefixStore !== undefined) buffers?.give(this.#prefixStore);
    if (this.#tail !== undefined) buffers?.give(this.#tail);
    for (const batch of this.#batches) if (batch !== undefined) buffers?.give(batch);
    this.#prefixStore =
      this.#prefix =
      this.#prefixAt =
      this.#tail =
        undefined;
    this.#batches.length = 0;
  }

  #add(run: Run, byte: number, at: number): void {
    if (run.chars === 0) {
      // Made with the first run read character by character: most runs end before (a stream
      // is opened per body, and these typed arrays are slow to make and to collect).
      if (this.#prefixStore === undefined) this.#takePrefix();
      run.prefix = this.#prefix!;
      run.prefixAt = this.#prefixAt!;
    }
    if (run.chars < PREFIX) {
      run.prefix[run.chars] = byte;
      run.prefixAt[run.chars] = at - run.start;
    }
    run.chars++;
    run.segment++;
    if (run.decodings.length > 0) {
      for (const d of run.decodings) this.#take(run, d, byte, at);
      return;
    }
    if (run.chars < this.#kind.minRun) return;
    // Long enough: try each decoding on what came so far, as if it had read along. One that
    // cannot be text from here is failed at once: only a later start may still be tried, and
    // without a soft character in the run so far there is none (most runs in traffic).
    const soft = this.#kind.soft;
    let restartable = false;
    for (let k = 0; k < run.chars && !restartable; k++) restartable = soft[run.prefix[k]!] === 1;
    const specs = this.#kind.decoders.map((spec, slot) => ({
      spec,
      slot,
      textual: spec.gate(run.prefix, 0, run.chars, false),
    })).filter(({ textual }) => textual || restartable);
    if (specs.length === 0) {
      run.dead = true;
      run.active = 0;
      return;
    }
    run.active = specs.length;
    run.decodings = specs.map(({ spec, slot, textual }) => {
      const d = new Decoding(spec, slot, this.#layer.buffers);
      d.failed = !textual;
      return d;
    });
    const chars = run.chars;
    for (let k = 0; k < chars; k++) {
      run.chars = k + 1;
      for (const d of run.decodings) {
        this.#take(run, d, run.prefix[k]!, run.start + run.prefixAt[k]!);
      }
    }
    run.chars = chars;
  }

  /** Whether the run has decodings and none is still being judged. */
  #allLive(run: Run): boolean {
    for (const d of run.decodings) if (d.state === PROBING) return false;
    return run.decodings.length > 0;
  }

  #take(run: Run, d: Decoding, byte: number, at: number): void {
    if (d.state === PROBING) {
      if (d.waiting) {
        // Nothing to judge again until a later start exists (a restart re-reads the prefix).
        if (this.#kind.soft[byte] === 0 && run.chars < RESTART_WITHIN) return;
        d.waiting = false;
      } else if (!d.failed && !d.decoder.push(byte, at, d)) {
        d.failed = true;
      }
      this.#probe(run, d, false);
    } else if (d.state === LIVE) {
      if (!d.decoder.push(byte, at, d) || d.dying) this.#endLive(run, d);
    }
  }

  /** Judge a probing decoding once it has enough bytes; try again further on when it fails. */
  #probe(run: Run, d: Decoding, atEnd: boolean): void {
    for (;;) {
      if (!d.failed) {
        const enough = run.chars >= this.#kind.minRun &&
          (d.probe.length >= PROBE || (atEnd && d.probe.length >= MIN_DECODED));
        if (!enough) {
          if (atEnd) this.#die(run, d);
          return;
        }
        if (d.printable()) {
          this.#goLive(d);
          return;
        }
      }
      const restarted = this.#restart(run, d, atEnd);
      if (restarted === WAIT && !atEnd) {
        d.waiting = true;
        return;
      }
      if (restarted !== RESTARTED) {
        this.#die(run, d);
        return;
      }
    }
  }

  /** Start the try again past the next soft character (which may not have come yet). */
  #restart(run: Run, d: Decoding, atEnd: boolean): number {
    if (run.chars > PREFIX) return NONE;
    const limit = Math.min(run.chars, RESTART_WITHIN);
    const soft = this.#kind.soft;
    let at = d.attempt;
    // Starts that cannot be text are passed over without decoding anything.
    for (;;) {
      if (d.restarts >= RESTARTS) return NONE;
      while (at < limit && soft[run.prefix[at]!] === 0) at++;
      if (at >= limit) {
        d.attempt = at;
        d.failed = true;
        return run.chars < RESTART_WITHIN ? WAIT : NONE;
      }
      d.restarts++;
      at++;
      if (d.gate(run.prefix, at, run.chars, atEnd)) break;
    }
    d.reset(at);
    for (let k = at; k < run.chars; k++) {
      if (!d.decoder.push(run.prefix[k]!, run.start + run.prefixAt[k]!, d)) {
        d.failed = true;
        return RESTARTED;
      }
    }
    if (atEnd) d.decoder.flush(d);
    return RESTARTED;
  }

  #goLive(d: Decoding): void {
    d.state = LIVE;
    // Handed over, not shared: the decoding gives it back to the spares when it outgrows it.
    d.batch = this.#batches[d.slot] ?? d.batch;
    this.#batches[d.slot] = undefined;
    d.map = new OffsetMap();
    const { passes, views, depth, buffers } = this.#layer;
    const links = { children: views(depth + 1), map: d.map, phrase: d.phrase, buffers };
    d.branch = new Branch(passes(), links);
    const probe = d.probe;
    for (let k = 0; k < probe.length; k++) d.emit(probe[k]!, d.probeStarts[k]!, d.probeEnds[k]!);
    d.probe = [];
    d.probeStarts = [];
    d.probeEnds = [];
  }

  #die(run: Run, d: Decoding): void {
    if (d.state === DEAD) return;
    d.state = DEAD;
    run.active--;
  }

  #endLive(run: Run, d: Decoding): void {
    d.decoder.flush(d);
    this.#out.push(...d.branch!.push(d.batch.subarray(0, d.batchLength), true));
    d.batchLength = 0;
    if (d.batch.length <= KEEP_BATCH) this.#batches[d.slot] = d.batch;
    else this.#layer.buffers?.give(d.batch);
    d.branch = undefined;
    d.map = undefined;
    this.#die(run, d);
  }

  /** Hand what the live decodings produced in this chunk to their scans. */
  #flush(): void {
    const run = this.#run;
    if (run === undefined) return;
    for (const d of run.decodings) {
      if (d.state !== LIVE || d.batchLength === 0) continue;
      this.#out.push(...d.branch!.push(d.batch.subarray(0, d.batchLength), false));
      d.batchLength = 0;
    }
  }

  #endRun(): void {
    const run = this.#run;
    if (run === undefined) return;
    for (const d of run.decodings) {
      if (d.state === PROBING) {
        if (!d.failed) d.decoder.flush(d);
        this.#probe(run, d, true);
      }
      if (d.state === LIVE) this.#endLive(run, d);
    }
    this.#run = undefined;
    this.#break = 0;
  }

  /** Keep the run of class bytes at the chunk's end: it may go on in the next chunk. */
  #keepTail(bytes: Uint8Array, from: number, base: number): void {
    const bit = this.#kind.bit;
    const n = bytes.length;
    let s = n;
    const limit = Math.max(from, n - TAIL);
    while (s > limit && (CLASS[bytes[s - 1]!]! & bit) !== 0) s--;
    if (s === n) return;
    this.#tail ??= this.#layer.buffers?.take(TAIL, { most: 2 * TAIL }) ?? alignedBytes(TAIL);
    this.#tail.set(bytes.subarray(s, n));
    this.#tailLength = n - s;
    this.#tailStart = base + s;
  }
}

/** Whether `bytes` hold nothing but line breaks from `from` on. */
function onlyBreaks(bytes: Uint8Array, from: number): boolean {
  for (let k = from; k < bytes.length; k++) if (bytes[k] !== LF && bytes[k] !== CR) return false;
  return true;
}
