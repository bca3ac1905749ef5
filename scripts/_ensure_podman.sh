# Sourced by scripts/test after _ensure_docker.sh (podman itself comes from _ensure_packages.sh):
# lets podman containers on one network reach each other where Docker runs beside podman. Docker
# sets the FORWARD policy to DROP and loads br_netfilter, so frames bridged between two containers
# of a podman network pass through iptables; netavark accepts them only on networks with a route
# out, so on a bottle's internal network the agent could not reach its sidecar. The rule accepts
# bridged frames on podman's bridges only (never routed traffic, never Docker's bridges).
# Idempotent; warns instead when this is not root or iptables is missing.
BOT_BOTTLE_PODMAN_RULE=(FORWARD -m physdev --physdev-is-bridged -i podman+
  -m comment --comment "bot-bottle: podman containers on one network" -j ACCEPT)
bot_bottle_podman_ready() {
  podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null | grep -qx netavark
}
if ! command -v podman >/dev/null 2>&1; then
  echo "warning: podman is not installed; the podman suites cannot run" >&2
elif [ "$(id -u)" -ne 0 ] || ! command -v iptables >/dev/null 2>&1; then
  echo "warning: not root or no iptables: podman's bridged traffic is left to the host's firewall" >&2
elif ! iptables -C "${BOT_BOTTLE_PODMAN_RULE[@]}" 2>/dev/null; then
  echo "letting podman containers on one network reach each other (iptables FORWARD)..." >&2
  iptables -I "${BOT_BOTTLE_PODMAN_RULE[0]}" 1 "${BOT_BOTTLE_PODMAN_RULE[@]:1}" ||
    echo "warning: cannot add the podman FORWARD rule" >&2
fi
