/**
 * One allowance, shared by every reader of a process, for the bytes its readers queue ahead of
 * their consumers (issue 19).
 *
 * Why: a reader pauses its socket at {@link READ_AHEAD_MARK}, two TLS records, so that a single
 * transfer keeps the network busy while its consumer works. When hundreds move at once the proxy
 * is the slow side and every queue sits at its mark: 200 downloads queued 6.4 MiB. Once the
 * readers together queue more than the allowance, each pauses at {@link READ_AHEAD_FLOOR}, one
 * record, until they hold less again: a few transfers still read two records ahead, many read one.
 */

/** What a reader queues before it pauses while the allowance lasts. */
export const READ_AHEAD_MARK = 32 * 1024;
/** What it queues once the allowance is spent: one TLS record. */
export const READ_AHEAD_FLOOR = 16 * 1024;
/** The proxy's allowance: 32 readers at their full mark. */
export const READ_AHEAD_BYTES = 1024 * 1024;

/** Bytes queued by all readers sharing it, against the allowance. */
export class ReadAhead {
  readonly #bytes: number;
  #queued = 0;

  /** @param bytes The allowance ({@link READ_AHEAD_BYTES} in the proxy). */
  constructor(bytes: number) {
    this.#bytes = bytes;
  }

  /** The mark a reader pauses at now. */
  get mark(): number {
    return this.#queued > this.#bytes ? READ_AHEAD_FLOOR : READ_AHEAD_MARK;
  }

  /** Bytes queued by all readers now. */
  get queued(): number {
    return this.#queued;
  }

  /**
   * Count bytes a reader queued (positive) or handed on or dropped (negative).
   *
   * @param bytes How many.
   */
  add(bytes: number): void {
    this.#queued += bytes;
  }
}
