# Sourced by scripts/test: installs the Debian packages the tests run on the host, when this is a root shell with apt and one is missing. The one
# list of them lives here.
#   debootstrap            builds the offline test base images (tests/e2e/images/build.sh)
#   git openssh-client     the git gate's host side and its tests
#   curl openssl python3   real clients in the egress and TLS tests
#   netcat-openbsd tmux    probes and the supervise terminal UI test
#   util-linux procps      flock and ps in the lifecycle tests
#   squid-openssl          the ssl-bump yardstick `deno task bench:egress` measures against
#   runsc                  gVisor: CI runs the lifecycle and escape suites a second time under it
BOT_BOTTLE_DEBIAN_PACKAGES=(
  debootstrap
  git
  openssh-client
  curl
  openssl
  python3
  netcat-openbsd
  tmux
  util-linux
  procps
  squid-openssl
  runsc
)
bot_bottle_missing_packages() {
  local p
  for p in "${BOT_BOTTLE_DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s\n' "$p"
  done
}
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  mapfile -t _bb_missing < <(bot_bottle_missing_packages)
  if [ "${#_bb_missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "warning: missing Debian packages (${_bb_missing[*]}); install them as root" >&2
    else
      echo "installing ${_bb_missing[*]} from Debian..." >&2
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${_bb_missing[@]}" >&2
    fi
  fi
  unset _bb_missing
fi
