/**
 * Reading files from folders a less trusted party writes (SPEC §6.3: the sidecar writes the
 * queue; the host reads it): never blocking on a FIFO, never following a symlink, never reading
 * more than a cap.
 *
 * @module
 * @example
 * ```ts
 * import { readRegularFile } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.json`, "{}");
 * console.assert(await readRegularFile(`${dir}/a.json`, { maxBytes: 16, what: "proposal" }) === "{}");
 * console.assert(await readRegularFile(`${dir}/b.json`, { maxBytes: 16, what: "proposal" }) === undefined);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export { readRegularFile, type ReadRegularFileOptions } from "./read_regular_file.ts";
export { lstatRegular } from "./lstat_regular.ts";
