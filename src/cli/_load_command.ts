/**
 * Loading a command's file when the command runs. The specifier is computed rather than a
 * literal on purpose: at start-up Deno walks the module graph of every literal `import()` too
 * (reading and hashing each of its files, about 400 here), which cost `--help` tens of
 * milliseconds (`deno task bench:cli`). `deno check .` still type-checks every command file, and tools/compile.ts includes
 * them in the binary by name.
 */

/**
 * Import a command file of this folder.
 *
 * @param file The file, relative to this folder (`./start.ts`).
 * @returns Its module; the caller names its type with `typeof import("./start.ts")`.
 */
export function loadCommand<T>(file: `./${string}.ts`): Promise<T> {
  return import(new URL(file, import.meta.url).href);
}
