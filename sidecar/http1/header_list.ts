/**
 * An ordered, case-insensitive list of HTTP header fields that keeps the original name casing.
 *
 * @module
 */
import { FIELD_VALUE, TOKEN } from "./_syntax.ts";

/**
 * Header fields in wire order. Lookups ignore case; names keep the casing they were added with,
 * so a forwarded message looks like the original. Every insert is validated, which is what stops
 * header injection (CR/LF in a value) at the writer.
 */
export class HeaderList implements Iterable<[string, string]> {
  #names: string[] = [];
  #keys: string[] = [];
  #values: string[] = [];

  /**
   * @param init Fields to start with, in order.
   * @throws {TypeError} When a name is not a token or a value holds CR, LF, NUL or another control.
   */
  constructor(init?: Iterable<readonly [string, string]>) {
    if (init === undefined) return;
    for (const [name, value] of init) this.append(name, value);
  }

  /** Number of fields (repeated names count once per field). */
  get size(): number {
    return this.#names.length;
  }

  /**
   * Add a field at the end.
   *
   * @throws {TypeError} When the name or value is not valid on the wire.
   */
  append(name: string, value: string): void {
    checkField(name, value);
    this.#names.push(name);
    this.#keys.push(name.toLowerCase());
    this.#values.push(value);
  }

  /**
   * Replace every field named `name` with one field, kept at the first one's position (appended
   * when absent).
   *
   * @throws {TypeError} When the name or value is not valid on the wire.
   */
  set(name: string, value: string): void {
    checkField(name, value);
    const key = name.toLowerCase();
    const first = this.#keys.indexOf(key);
    if (first < 0) {
      this.append(name, value);
      return;
    }
    this.#names[first] = name;
    this.#values[first] = value;
    this.#removeWhere((k, i) => k === key && i > first);
  }

  /** Remove every field named `name`; returns whether any was present. */
  delete(name: string): boolean {
    const key = name.toLowerCase();
    return this.#removeWhere((k) => k === key) > 0;
  }

  /** Whether a field named `name` is present. */
  has(name: string): boolean {
    return this.#keys.includes(name.toLowerCase());
  }

  /** All values of `name` joined with `", "` (Fetch semantics), or null when absent. */
  get(name: string): string | null {
    const all = this.getAll(name);
    return all.length === 0 ? null : all.join(", ");
  }

  /** Every value of `name`, in order. */
  getAll(name: string): string[] {
    const key = name.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < this.#keys.length; i++) {
      if (this.#keys[i] === key) out.push(this.#values[i]!);
    }
    return out;
  }

  /**
   * A copy with only the fields whose lower-case name `keep` accepts, in order. Nothing is checked
   * again: every field was checked when it was added here.
   *
   * @param keep Decides by the lower-case name.
   * @returns A new list; this one is not changed.
   */
  filter(keep: (key: string) => boolean): HeaderList {
    const out = new HeaderList();
    for (let i = 0; i < this.#keys.length; i++) {
      const key = this.#keys[i]!;
      if (!keep(key)) continue;
      out.#names.push(this.#names[i]!);
      out.#keys.push(key);
      out.#values.push(this.#values[i]!);
    }
    return out;
  }

  /**
   * Visit every field in wire order without a pair per field (the writer's serializer).
   *
   * @param visit Called with the name in its original casing, the value and the lower-case name.
   */
  forEach(visit: (name: string, value: string, key: string) => void): void {
    for (let i = 0; i < this.#names.length; i++) {
      visit(this.#names[i]!, this.#values[i]!, this.#keys[i]!);
    }
  }

  /** Yield `[name, value]` pairs in wire order, names in their original casing. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (let i = 0; i < this.#names.length; i++) yield [this.#names[i]!, this.#values[i]!];
  }

  #removeWhere(drop: (key: string, index: number) => boolean): number {
    let kept = 0;
    const before = this.#keys.length;
    for (let i = 0; i < before; i++) {
      if (drop(this.#keys[i]!, i)) continue;
      this.#names[kept] = this.#names[i]!;
      this.#keys[kept] = this.#keys[i]!;
      this.#values[kept] = this.#values[i]!;
      kept++;
    }
    this.#names.length = this.#keys.length = this.#values.length = kept;
    return before - kept;
  }
}

function checkField(name: string, value: string): void {
  if (!TOKEN.test(name)) {
    throw new TypeError(`Cannot set header ${JSON.stringify(name)}: invalid name`);
  }
  if (!FIELD_VALUE.test(value)) {
    // The value is not echoed: it may be a credential.
    throw new TypeError(`Cannot set header "${name}": its value has control characters`);
  }
}
