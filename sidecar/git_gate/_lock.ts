/** One-at-a-time access per key: a refresh and a push of the same mirror never interleave. */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Wait for the key to be free and take it.
   *
   * @param key What to lock.
   * @returns The function that releases it (safe to call twice).
   */
  async acquire(key: string): Promise<() => void> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    const tail = previous.then(() => promise);
    this.#tails.set(key, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      resolve();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }
}
