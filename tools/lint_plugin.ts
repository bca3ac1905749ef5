/**
 * Project lint rules (STYLE rules 1 and 10), run by `deno lint`:
 *
 * - `bot-bottle/mod-exports`: a file under `src/`, `sidecar/` or `backends/` may be imported from
 *   outside its folder only through that folder's `mod.ts` (the same folder and `_`-free siblings
 *   of the CLI's lazily loaded commands are fine). `backends/types.ts` is the one other public
 *   entry: it is the contract every backend folder implements, and importing it through
 *   `backends/mod.ts` would make each backend import the registry that imports it.
 * - `bot-bottle/no-top-level-let`: no module-level mutable bindings; long-lived state lives on an
 *   object created in an entry point and passed down.
 * - `bot-bottle/floors`: no import runs back up a floor (SPEC §2; the table is `floors.ts`).
 *   Import circles need the whole graph, so `import_graph_test.ts` checks those (and the floors
 *   again) over the repository.
 *
 * @module
 */
import { dirname, join, relative, sep } from "node:path";
import { floorProblem } from "./floors.ts";

const GUARDED_ROOTS = ["core", "src", "sidecar", "backends"];
const ROOT = dirname(dirname(new URL(import.meta.url).pathname));

function guardedFolder(path: string): string | undefined {
  const rel = relative(ROOT, path);
  const [top] = rel.split(sep);
  return top !== undefined && GUARDED_ROOTS.includes(top) ? dirname(path) : undefined;
}

/** Visitors that hand every module specifier (static, re-export, dynamic) to `check`. */
function importVisitors(
  check: (node: Deno.lint.Node, source: string) => void,
): Deno.lint.LintVisitor {
  return {
    ImportDeclaration(node) {
      check(node, node.source.value);
    },
    ExportNamedDeclaration(node) {
      if (node.source) check(node, node.source.value);
    },
    ExportAllDeclaration(node) {
      check(node, node.source.value);
    },
    ImportExpression(node) {
      if (node.source.type === "Literal" && typeof node.source.value === "string") {
        check(node, node.source.value);
      }
    },
  };
}

const plugin: Deno.lint.Plugin = {
  name: "bot-bottle",
  rules: {
    "mod-exports": {
      create(context) {
        function check(node: Deno.lint.Node, source: string): void {
          if (!source.startsWith(".")) return;
          const target = join(dirname(context.filename), source);
          const folder = guardedFolder(target);
          if (folder === undefined || folder === dirname(context.filename)) return;
          if (target.endsWith(`${sep}mod.ts`)) return;
          if (relative(ROOT, target) === join("backends", "types.ts")) return;
          context.report({
            node,
            message: `import "${source}" reaches into another folder; import its mod.ts instead`,
          });
        }
        return importVisitors(check);
      },
    },
    floors: {
      create(context) {
        function check(node: Deno.lint.Node, source: string): void {
          if (!source.startsWith(".")) return;
          const from = relative(ROOT, context.filename).split(sep).join("/");
          const to = relative(ROOT, join(dirname(context.filename), source)).split(sep).join("/");
          const problem = floorProblem(from, to);
          if (problem !== undefined) context.report({ node, message: problem });
        }
        return importVisitors(check);
      },
    },
    "no-top-level-let": {
      create(context) {
        return {
          VariableDeclaration(node) {
            if (node.kind !== "const" && node.parent.type === "Program") {
              context.report({
                node,
                message: "module-level `let`/`var` is mutable state; move it onto an object",
              });
            }
          },
        };
      },
    },
  },
};

export default plugin;
