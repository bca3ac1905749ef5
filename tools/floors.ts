/**
 * The floors of the codebase (SPEC §2) and which floor may import which. One table, read by the
 * lint plugin (every import, as it is written) and by the import graph check (the whole graph,
 * circles included), so the two cannot disagree.
 *
 * - `core/`: what the host and the sidecar share; imports nothing outside itself.
 * - `sidecar/`: the sidecar bundle; imports `core/` only.
 * - `backends/types.ts`: the backend contract; imports `core/` only.
 * - `backends/<name>/`: one backend's primitives; imports `core/`, the contract and its own folder.
 * - `backends/` (its other files: the registry `mod.ts`): the backend folders and the contract.
 * - `src/`: the host application; imports `core/`, `backends/` (its `mod.ts` and `types.ts`) and
 *   `sidecar/` (`egress serve` runs the proxy on the host).
 * - `main.ts`: the CLI entry point, above `src/`.
 * - `tools/` and `tests/`: build tooling and cross-floor suites, above everything.
 *
 * A test beside code keeps its file's floor, and may also use the shared harnesses in `tests/`
 * and a backend folder's `mod.ts` (the memory backend is a test double no registry lists).
 *
 * Paths are relative to the repository root, with `/` separators.
 *
 * @module
 */

/** Where a file sits. */
export type Floor =
  | { kind: "core" }
  | { kind: "sidecar" }
  | { kind: "contract" }
  | { kind: "backend"; name: string }
  | { kind: "registry" }
  | { kind: "host" }
  | { kind: "main" }
  | { kind: "free" };

/**
 * The floor of a file.
 *
 * @param path The file, relative to the repository root.
 * @returns Its floor; files outside the product and test folders are `free`.
 */
export function floorOf(path: string): Floor {
  const [top, second, ...rest] = path.split("/");
  switch (top) {
    case "core":
      return { kind: "core" };
    case "sidecar":
      return { kind: "sidecar" };
    case "src":
      return { kind: "host" };
    case "backends":
      if (rest.length === 0 && second === "types.ts") return { kind: "contract" };
      if (rest.length > 0 && second !== undefined) return { kind: "backend", name: second };
      return { kind: "registry" };
    case "main.ts":
    case "main_test.ts":
      return { kind: "main" };
    default:
      return { kind: "free" };
  }
}

/**
 * Why `from` may not import `to`, if it may not.
 *
 * @param from The importing file, relative to the repository root.
 * @param to The imported file, relative to the repository root.
 * @returns A one-line reason, or `undefined` when the import is allowed.
 */
export function floorProblem(from: string, to: string): string | undefined {
  const source = floorOf(from);
  const target = floorOf(to);
  if (allowed(source, target, to)) return undefined;
  if (isTestFile(from) && (to.startsWith("tests/") || /^backends\/[^/]+\/mod\.ts$/.test(to))) {
    return undefined;
  }
  return `${describe(source)} may not import ${to} (${describe(target)}): ` +
    `${RULES[source.kind]}`;
}

function allowed(source: Floor, target: Floor, to: string): boolean {
  switch (source.kind) {
    case "core":
      return target.kind === "core";
    case "sidecar":
      return target.kind === "core" || target.kind === "sidecar";
    case "contract":
      return target.kind === "core" || target.kind === "contract";
    case "backend":
      return target.kind === "core" || target.kind === "contract" ||
        (target.kind === "backend" && target.name === source.name);
    case "registry":
      return ["core", "contract", "backend", "registry"].includes(target.kind);
    case "host":
      return ["core", "sidecar", "host"].includes(target.kind) ||
        to === "backends/mod.ts" || to === "backends/types.ts";
    case "main":
      return ["core", "host", "main"].includes(target.kind);
    case "free":
      return true;
  }
}

const RULES: Record<Floor["kind"], string> = {
  core: "core/ imports nothing outside itself",
  sidecar: "sidecar/ imports core/ only",
  contract: "the backend contract imports core/ only",
  backend: "a backend imports core/, backends/types.ts and its own folder only",
  registry: "the backend registry imports core/, the contract and the backend folders",
  host: "src/ imports core/, sidecar/, and backends/ only through backends/mod.ts or types.ts",
  main: "main.ts imports src/ and core/",
  free: "",
};

function describe(floor: Floor): string {
  switch (floor.kind) {
    case "backend":
      return `backends/${floor.name}/`;
    case "contract":
      return "the backend contract";
    case "registry":
      return "the backend registry";
    case "host":
      return "src/";
    case "main":
      return "main.ts";
    case "free":
      return "outside the product floors";
    default:
      return `${floor.kind}/`;
  }
}

/**
 * Whether a file is test code: a `_test.ts`, a `_testing.ts` helper, a `testing/` folder, or
 * anything under `tests/` or `tools/`.
 *
 * @param path The file, relative to the repository root.
 * @returns True for test code.
 */
export function isTestFile(path: string): boolean {
  return /_test\.ts$|(^|\/)_testing\.ts$|(^|\/)testing\//.test(path) ||
    path.startsWith("tests/") || path.startsWith("tools/");
}
