/**
 * Kernel settings of the sidecar's network namespace. The sidecar sits on the agent's internal
 * network and on the egress network; with forwarding off it never routes a packet between them,
 * whatever the agent does to its own routes and whatever the engine's bridge rules allow.
 */

/** Every backend applies these to the sidecar's network namespace. */
export const SIDECAR_SYSCTLS: Readonly<Record<string, string>> = Object.freeze({
  "net.ipv4.ip_forward": "0",
  "net.ipv6.conf.all.forwarding": "0",
});
