/**
 * An unbounded FIFO that turns callbacks (signal handlers, child exits, timers) into events one
 * loop awaits in order. Signal handlers only `push` here (STYLE anti-pattern 8): the work a
 * signal asks for runs in the loop, never inside the handler.
 */

/** Events pushed by callbacks and consumed by one loop. */
export class EventQueue<T> {
  #items: T[] = [];
  #waiters: ((item: T) => void)[] = [];

  /** Enqueue an event; never blocks and never throws. */
  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#items.push(item);
    else waiter(item);
  }

  /** The oldest event, waiting for one if the queue is empty. */
  next(): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift() as T);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
