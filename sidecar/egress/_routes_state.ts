/**
 * The live routes: loaded from the routes file at start, replaced only by a reload that parses
 * completely. An unreadable, invalid or partial file keeps the previous routes (SPEC §6.1).
 */
import {
  compileRoute,
  parseRoutesFile,
  type Route,
  type RoutesFile,
} from "../../core/routes/mod.ts";
import { HeaderList } from "../http1/mod.ts";
import type { Decision, EgressRequest } from "./policy/mod.ts";
import { messageOf } from "../../core/errors/mod.ts";

/** Judges a request against one route's `matches`. */
export interface RouteMatcher {
  /** Allow, or deny with rule `matches`. */
  match(req: EgressRequest): Decision;
}

const ALLOW_ALL: RouteMatcher = { match: () => ({ action: "allow" }) };

/** Holds the current routes file and compiled matchers for it. */
export class RoutesState {
  #file: string;
  #current: RoutesFile;
  #matchers = new WeakMap<Route, RouteMatcher>();

  /**
   * @param file Path of the routes YAML.
   * @param current Its parsed content.
   */
  constructor(file: string, current: RoutesFile) {
    this.#file = file;
    this.#current = current;
  }

  /**
   * Load the routes file.
   *
   * @param file Path of the routes YAML.
   * @returns The state.
   * @throws {ManifestError} When the file is invalid.
   * @throws {Deno.errors.NotFound} When it does not exist.
   */
  static async load(file: string): Promise<RoutesState> {
    return new RoutesState(file, parseRoutesFile(await Deno.readTextFile(file), file));
  }

  /** The routes in force; a new object identity after each successful reload. */
  get current(): RoutesFile {
    return this.#current;
  }

  /**
   * Re-read the file; keep the old routes on any error.
   *
   * @returns Whether the new file took effect, and why not.
   */
  async reload(): Promise<{ ok: true } | { ok: false; error: string }> {
    try {
      this.#current = parseRoutesFile(await Deno.readTextFile(this.#file), this.#file);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: messageOf(err) };
    }
  }

  /**
   * The compiled `matches` filter of a route (compiled once per route object).
   *
   * @param route A route of the current file.
   * @returns Its matcher.
   */
  matcher(route: Route): RouteMatcher {
    let matcher = this.#matchers.get(route);
    if (matcher === undefined) {
      matcher = route.matches === undefined ? ALLOW_ALL : fromCompiled(route);
      this.#matchers.set(route, matcher);
    }
    return matcher;
  }
}

function fromCompiled(route: Route): RouteMatcher {
  const compiled = compileRoute(route);
  return {
    match(req) {
      // No prototype: header names like "__proto__" or "constructor" are plain keys here.
      const headers: Record<string, string> = Object.create(null);
      const list = req.headers instanceof HeaderList ? req.headers : new HeaderList();
      for (const [name, value] of list) {
        const key = name.toLowerCase();
        headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
      }
      const verdict = compiled.match({ method: req.method, path: req.path, headers });
      return verdict.action === "allow"
        ? verdict
        : { action: "deny", rule: "matches", reason: verdict.reason, status: 403 };
    },
  };
}
