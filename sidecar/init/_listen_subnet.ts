/**
 * Listening on one network only. In a bottle the sidecar sits on two networks: the internal one
 * it shares with the agent and the egress one that reaches upstreams (and the host). The proxy
 * injects real tokens, so it must answer on the internal network only; the backend knows that
 * network's subnet, not the address the engine will give the sidecar, so the daemon finds its
 * own address in the subnet.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import {
  addressInSubnet,
  type HostPort,
  type SidecarVariable,
  type Subnet,
} from "../../core/sidecar_contract/mod.ts";

/**
 * Where to listen: the configured address, or this container's address in the subnet.
 *
 * @param listen The configured address (its port is kept).
 * @param subnet The subnet setting, when given.
 * @param variable The subnet variable, for the message.
 * @returns The address to bind.
 * @throws {ConfigError} When no interface is in the subnet (never falls back to all of them).
 */
export function listenAddress(
  listen: HostPort,
  subnet: Subnet | undefined,
  variable: SidecarVariable<Subnet>,
): HostPort {
  if (subnet === undefined) return listen;
  const hostname = addressInSubnet(subnet, Deno.networkInterfaces());
  if (hostname === undefined) {
    throw new ConfigError(
      `${variable.name}: no interface of this container is in that subnet; refusing to listen ` +
        "anywhere else",
    );
  }
  return { hostname, port: listen.port };
}
