/** The provider checks of `doctor`: every plugin in `<home>/contrib/` must load. */
import type { HostCheck } from "../../backends/mod.ts";
import { listProviders } from "../providers/mod.ts";

/**
 * One check per contrib plugin (built-ins are part of the binary and tested with it).
 *
 * @param contribDir `<home>/contrib`.
 * @returns `ok` with the folder, or `fail` with the positioned error.
 */
export async function checkProviders(contribDir: string): Promise<HostCheck[]> {
  const entries = (await listProviders(contribDir)).filter((e) => e.origin === "contrib");
  return entries.map((e) =>
    e.error === undefined
      ? { status: "ok", name: `provider ${e.name}`, detail: `plugin in ${e.folder}` }
      : { status: "fail", name: `provider ${e.name}`, detail: e.error.message }
  );
}
