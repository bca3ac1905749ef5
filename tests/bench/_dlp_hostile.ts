/**
 * How the DLP engine's time grows on hostile encodings (`HOSTILE_ENCODINGS`): each one at
 * 128 KiB and at four times that, by the process's CPU time, best of three. A linear scan takes
 * about four times as long (x4); a quadratic one sixteen times. This was a unit test until a
 * loaded machine failed it: timings are read here, beside that baseline.
 */
import { cpuUsage } from "node:process";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { HOSTILE_ENCODINGS } from "../../core/dlp/testing/mod.ts";

/** The smaller size. */
const SMALL = 128 * 1024;

/** One hostile encoding's growth. */
export interface HostileRow {
  /** The encoding. */
  label: string;
  /** CPU seconds at 128 KiB. */
  seconds: number;
  /** CPU seconds at 512 KiB. */
  quadrupledSeconds: number;
}

/**
 * Time each hostile encoding at 128 KiB and 512 KiB through one outbound scan.
 *
 * @returns One row per encoding.
 */
export function measureHostileScaling(): HostileRow[] {
  const dlp = new DlpEngine({ knownSecrets: ["Vq7Lm2Xc9Rt4Wz8Np3Kd"] });
  const on = { detectors: ["known_secrets", "token_patterns"] as const, location: "body" };
  const seconds = (input: string) => {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const started = cpuUsage();
      dlp.scanOutbound(input, on);
      const used = cpuUsage(started);
      best = Math.min(best, (used.user + used.system) / 1e6);
    }
    return best;
  };
  return HOSTILE_ENCODINGS.map(([label, make]) => {
    seconds(make(32 * 1024));
    return { label, seconds: seconds(make(SMALL)), quadrupledSeconds: seconds(make(4 * SMALL)) };
  });
}
