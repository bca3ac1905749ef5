# Sourced by scripts/test, scripts/bot-bottle and scripts/check-fresh-machine: installs the Debian
# packages they run on the host, when this is a root shell with apt and one is missing. The one
# list of them lives here.
#   git openssh-client tar     the host side of a bottle: the git gate, the workspace copy
#   debootstrap                builds the offline test base images (tests/e2e/images/build.sh)
#   curl openssl python3       real clients in the egress and TLS tests
#   netcat-openbsd tmux        probes and the supervise terminal UI test
#   util-linux procps          flock, findmnt and ps in the lifecycle tests and the scripts
#   iproute2                   ip: the fault suites run a private engine in its own network namespace
#   shellcheck                 install.sh's lint test
#   libcap2-bin                capsh: scripts/check-fresh-machine names the engine's capabilities
#   squid-openssl              the ssl-bump yardstick `deno task bench:egress` measures against
#   runsc                      gVisor: CI runs the lifecycle and escape suites a second time under it
#   podman netavark aardvark-dns runc catatonit
#                              the podman backend (rootful, netavark networks, runc, catatonit for
#                              --init): CI runs the lifecycle and escape suites a third time on it
# The container engine (docker.io) is installed by _ensure_docker.sh from this list's companion,
# BOT_BOTTLE_ENGINE_PACKAGES, only when no engine answers.
BOT_BOTTLE_DEBIAN_PACKAGES=(
  git
  openssh-client
  tar
  debootstrap
  curl
  openssl
  python3
  netcat-openbsd
  tmux
  util-linux
  procps
  iproute2
  squid-openssl
  runsc
  podman
  netavark
  aardvark-dns
  runc
  catatonit
  shellcheck
  libcap2-bin
)
BOT_BOTTLE_ENGINE_PACKAGES=(docker.io)

# Prints each package given that is not installed.
bot_bottle_missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s\n' "$p"
  done
}

# Installs the packages given that are missing, with apt, when this is root; else warns.
bot_bottle_install_packages() {
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing
  mapfile -t missing < <(bot_bottle_missing_packages "$@")
  [ "${#missing[@]}" -gt 0 ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "warning: missing Debian packages (${missing[*]}); install them as root" >&2
    return 0
  fi
  echo "installing ${missing[*]} from Debian..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

bot_bottle_install_packages "${BOT_BOTTLE_DEBIAN_PACKAGES[@]}"
