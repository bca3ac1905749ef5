/**
 * How the runtime of a process that moves bodies (the sidecar's daemons, `egress serve`) is
 * started.
 *
 * Why a small young generation: every chunk the proxy relays leaves a few short-lived
 * ArrayBuffers behind (a read copy, TLS records), whose memory returns only when the scavenger
 * collects their handles. V8 grows the young generation to 16 MiB per semi-space under a busy
 * loop, and a 1 GiB download then held 70–120 MiB of dead buffers between scavenges (issue
 * 19). With 1 MiB semi-spaces a scavenge comes every few MiB relayed: peak growth fell from
 * +146 MiB to +29 MiB, for a throughput cost measured by `deno task bench:egress`.
 */

/** The V8 flags of every body-moving process, as one `deno run` (or `deno compile`) argument. */
export const BODY_RUNTIME_FLAGS: readonly string[] = Object.freeze([
  "--v8-flags=--max-semi-space-size=1",
]);
