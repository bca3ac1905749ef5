/**
 * Request heads the outbound scan already found nothing in, so a head sent again verbatim (a
 * client's next request on a kept-alive connection: same target, same headers) is not scanned
 * again. The whole-head scan was the largest part of the proxy's work per small request after
 * TLS and GC (issue 16's profile).
 *
 * Safe because the scan is a pure function of the engine (its detectors' tables, the known
 * secrets), the route (which detectors run) and the text: a result is kept only under the engine
 * and route it was computed with, a new engine (a reload, new token values) forgets everything,
 * and only clean results are kept, so a head with any finding, even a warning, is scanned every
 * time and decided as before.
 */
import type { DlpEngine } from "../../core/dlp/mod.ts";
import type { Route } from "../../core/routes/mod.ts";

/** Heads remembered at most (the least recently seen is forgotten first). */
const MAX_HEADS = 512;
/** Longer heads are not remembered: with {@link MAX_HEADS}, at most 2 MiB of text is held. */
const MAX_HEAD_CHARS = 4096;

/** Clean-scan results of one engine, by head text, with the route each was scanned for. */
export class CleanHeads {
  #engine: DlpEngine | undefined;
  /** Head text → the route it was clean for, least recently seen first. */
  #heads = new Map<string, Route>();

  /**
   * Whether `text` was found clean for `route` by `engine` (and mark it as just seen).
   *
   * @param engine The engine that would scan it.
   * @param route The route whose detectors would run.
   * @param text The head as one text, exactly as the scan reads it.
   * @returns True when an identical scan found nothing.
   */
  has(engine: DlpEngine, route: Route, text: string): boolean {
    if (engine !== this.#engine || this.#heads.get(text) !== route) return false;
    this.#heads.delete(text);
    this.#heads.set(text, route);
    return true;
  }

  /**
   * Remember that `engine` found nothing in `text` for `route`.
   *
   * @param engine The engine that scanned it.
   * @param route The route whose detectors ran.
   * @param text The head as one text.
   */
  add(engine: DlpEngine, route: Route, text: string): void {
    if (text.length > MAX_HEAD_CHARS) return;
    if (engine !== this.#engine) {
      this.#engine = engine;
      this.#heads.clear();
    }
    this.#heads.delete(text);
    this.#heads.set(text, route);
    if (this.#heads.size > MAX_HEADS) this.#heads.delete(this.#heads.keys().next().value!);
  }
}
