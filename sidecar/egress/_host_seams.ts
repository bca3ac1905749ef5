/**
 * Two {@link SeamWatch}es per upstream host, one for request targets and one for request bodies:
 * each target is checked against the end of the host's previous target, each body against the
 * end of its previous body (a request without a body does not break the chain), so a known
 * secret split across two requests is caught. Bounded: a watch keeps only the tail a secret can
 * span, and the proxy only ever talks to its routes' hosts. An agent that puts other requests
 * between the halves on purpose is not caught; the per-request scans still see every whole
 * secret.
 */
import { type DlpEngine, SeamWatch } from "../../core/dlp/mod.ts";

/** Hosts remembered at most (routes are few; this only bounds a pathological reload loop). */
const MAX_HOSTS = 4096;

/** A host's two chains. */
export interface HostSeam {
  /** Request targets, one after another. */
  targets: SeamWatch;
  /** Request bodies, one after another. */
  bodies: SeamWatch;
}

/** The watches of one proxy. */
export class HostSeams {
  readonly #byHost = new Map<string, { engine: DlpEngine; seam: HostSeam }>();

  /**
   * The watches of a host for an engine (a reload that swaps the engine starts afresh).
   *
   * @param host The upstream host.
   * @param engine The engine the request is scanned with.
   * @returns The watches.
   */
  watch(host: string, engine: DlpEngine): HostSeam {
    const known = this.#byHost.get(host);
    if (known !== undefined && known.engine === engine) return known.seam;
    if (this.#byHost.size >= MAX_HOSTS) this.#byHost.delete(this.#byHost.keys().next().value!);
    const seam = {
      targets: new SeamWatch(engine, "url, split across requests"),
      bodies: new SeamWatch(engine, "body, split across requests"),
    };
    this.#byHost.set(host, { engine, seam });
    return seam;
  }
}
