/** What every daemon child is handed: its log and its signals. */
import type { SignalSource } from "./_signals.ts";

/** What a running daemon gets from `sidecar/main.ts --daemon NAME`. */
export interface DaemonIo {
  /** One log line (without newline) to the daemon's stderr. */
  log: (line: string) => void;
  /** The signals it obeys. */
  signals: SignalSource;
}
