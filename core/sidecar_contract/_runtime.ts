/**
 * How the runtime of a process that moves bodies (the sidecar's daemons, `egress serve`) is
 * started.
 *
 * Why a small young generation: every chunk the proxy relays leaves a few short-lived
 * ArrayBuffers behind (a read copy, TLS records), whose memory returns only when the scavenger
 * collects their handles. V8 grows the young generation to 16 MiB per semi-space under a busy
 * loop, and a download then held 55–130 MiB of dead buffers between scavenges (issue 19). With
 * 1 MiB semi-spaces a scavenge comes every few MiB relayed: a 512 MiB download peaked at
 * +26–29 MiB over idle instead of +146–157 MiB, and the proxy spent less CPU on it, not more.
 *
 * Why `--expose-gc`: buffers that outlive a few scavenges (many connections relaying at once)
 * return only at a full collection; the proxy starts one itself when they pile up
 * (`core/gc_pacer`).
 */

/** The V8 flags of every body-moving process, as one `deno run` (or `deno compile`) argument. */
export const BODY_RUNTIME_FLAGS: readonly string[] = Object.freeze([
  "--v8-flags=--max-semi-space-size=1,--expose-gc",
]);
