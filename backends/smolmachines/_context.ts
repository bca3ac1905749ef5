/** What every smolmachines primitive works with: the smolvm CLI, the sidecar's engine, a folder. */

import type { SidecarHost } from "../types.ts";
import type { SmolvmCli } from "./_smolvm.ts";

/** The backend's parts. */
export interface SmolContext {
  /** The smolvm CLI. */
  cli: SmolvmCli;
  /** The engine the sidecar runs on. */
  sidecars: SidecarHost;
  /** The backend's folder: image archives, committed packs, each bottle's secret files. */
  runDir: string;
}
