#!/usr/bin/env bash
# Builds the base images the Docker end-to-end suite needs, without any image registry (SPEC §10):
#
#   bot-bottle-test/debian:bookworm    debootstrap'd minimal Debian with the agent and probe tools
#   bot-bottle-test/deno:<version>     that image plus the host's own deno binary
#   bot-bottle-test/node:<version>     that image plus the host's own node and npm (the base of the
#                                      claude and codex provider images, which install from npm);
#                                      when the host's node has no npm beside it (Debian's nodejs,
#                                      which also links shared libraries), Node and npm from the
#                                      npm registry instead (NODE_FALLBACK below)
#
# The real Dockerfiles (images/shell, images/sidecar) are then built on top via BASE_IMAGE.
#
# Safe to rerun: each image carries a content label (bot-bottle.e2e.content) and is skipped when
# the existing image has the same one. The debootstrap'd rootfs is cached as a tarball keyed by the
# recipe, so a machine pays for debootstrap once even after `docker image prune`.
#
# Environment:
#   BOT_BOTTLE_E2E_CACHE   cache dir for rootfs tarballs (default /var/cache/bot-bottle-e2e)
#   BOT_BOTTLE_E2E_MIRROR  Debian mirror (default: the bookworm entry of /etc/apt/sources.list*)
#   BOT_BOTTLE_E2E_DENO    deno binary to ship (default: the ELF behind `command -v deno`)
#
#   BOT_BOTTLE_E2E_NODE    node binary to ship (default: the ELF behind `command -v node`); npm
#                          comes from its install prefix (lib/node_modules/npm)
#
# Prints progress on stderr and, on success, the image references on stdout as
# `debian=<ref>`, `deno=<ref>` and `node=<ref>`. debootstrap needs root; a cached rootfs needs only docker.
set -euo pipefail
shopt -s inherit_errexit # so failures inside $(...) stop the script too

readonly SUITE=bookworm
readonly DEBIAN_IMAGE="bot-bottle-test/debian:${SUITE}"
readonly LABEL=bot-bottle.e2e.content
# Bump when the rootfs recipe below changes in a way the package list does not capture.
readonly RECIPE=3
# What an agent shell bottle and the escape probes run: curl, git, ssh, python3, nc, dig/host, ip,
# ps, update-ca-certificates (the bottle CA is installed at launch), useradd (images/shell); sshd
# for the git gate's SSH upstream (tests/e2e/_harness/ssh_upstream.ts), installed but never started.
readonly PACKAGES=(
  bind9-dnsutils
  ca-certificates
  curl
  git
  iproute2
  netcat-openbsd
  openssh-client
  openssh-server
  passwd
  procps
  python3
)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
. "${HERE}/../../../scripts/_debian_mirror.sh"
readonly CACHE_DIR="${BOT_BOTTLE_E2E_CACHE:-/var/cache/bot-bottle-e2e}"

log() { printf '[e2e-images] %s\n' "$*" >&2; }
die() { printf '[e2e-images] error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# Prints the label value of an image, or nothing when the image does not exist.
image_label() {
  docker image inspect --format "{{ index .Config.Labels \"${LABEL}\" }}" "$1" 2>/dev/null || true
}

sha256_of() { sha256sum | cut -c1-64; }

# The first bookworm `deb` source in apt's config.
find_mirror() {
  if [[ -n "${BOT_BOTTLE_E2E_MIRROR:-}" ]]; then
    printf '%s\n' "${BOT_BOTTLE_E2E_MIRROR}"
    return
  fi
  bot_bottle_debian_mirror "$SUITE" ||
    die "no '${SUITE}' deb source in /etc/apt/sources.list*; set BOT_BOTTLE_E2E_MIRROR"
}

# The real deno ELF: `command -v deno` may be a symlink or an npm shim next to the binary.
find_deno() {
  local path="${BOT_BOTTLE_E2E_DENO:-}"
  if [[ -z "$path" ]]; then
    path="$(command -v deno)" || die "deno not on PATH; set BOT_BOTTLE_E2E_DENO"
    path="$(readlink -f "$path")"
    is_elf "$path" || path="$(dirname "$path")/deno"
  fi
  is_elf "$path" || die "${path} is not an ELF binary; set BOT_BOTTLE_E2E_DENO to the real deno"
  printf '%s\n' "$path"
}

is_elf() { [[ -f "$1" ]] && [[ "$(head -c4 "$1" | od -An -c | tr -d ' ')" == '177ELF' ]]; }

# Unmounts anything debootstrap left mounted inside $1 (it mounts proc/sys while installing), so
# the removal below can never reach the host's /proc or /sys.
remove_tree() {
  local dir="$1" mount
  [[ -d "$dir" ]] || return 0
  while read -r mount; do
    umount -l "$mount" || true
  done < <(findmnt -rn -o TARGET | awk -v d="$dir" 'index($0, d "/") == 1' | sort -r)
  rm -rf --one-file-system "$dir"
}

# Writes the cached rootfs tarball for $1 (the recipe key) with debootstrap.
build_rootfs() {
  local key="$1" tarball="$2" mirror arch work
  [[ "$(id -u)" == 0 ]] || die "debootstrap needs root (no cached rootfs at ${tarball})"
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  mirror="$(find_mirror)"
  arch="$(dpkg --print-architecture)"
  work="$(mktemp -d "${CACHE_DIR}/work.XXXXXX")"
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "remove_tree '${work}'" EXIT
  log "debootstrap ${SUITE} (${arch}, minbase) from ${mirror} into ${work}/rootfs"
  if ! debootstrap --variant=minbase --arch="$arch" --components=main \
    --include="$(IFS=,; printf '%s' "${PACKAGES[*]}")" \
    "$SUITE" "${work}/rootfs" "$mirror" 2>&1 | sed -u 's/^/[e2e-images]   /' >&2; then
    tail -n 20 "${work}/rootfs/debootstrap/debootstrap.log" 2>/dev/null | sed "s/^/[e2e-images]   /" >&2 || true
    die "debootstrap failed (mirror ${mirror})"
  fi
  log "trimming rootfs (apt caches, docs, translations, host resolv.conf)"
  (
    cd "${work}/rootfs"
    rm -rf var/cache/apt/archives/*.deb var/cache/apt/*.bin var/lib/apt/lists/* \
      usr/share/doc/* usr/share/man/* usr/share/info/* var/log/*.log var/log/apt/* tmp/*
    # Message catalogues are 44 MB here; the tests read no translated output.
    find usr/share/locale -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
    # openssh-server's postinst generated host keys; every container from this image would share
    # them, so none ship and whoever starts sshd generates its own.
    rm -f etc/ssh/ssh_host_*
    : >etc/resolv.conf
    printf '%s\n' "bot-bottle-e2e" >etc/hostname
  )
  log "packing rootfs"
  tar -C "${work}/rootfs" --numeric-owner --sort=name \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -cf "${work}/rootfs.tar" .
  # Rename last so an interrupted run never leaves a truncated tarball behind.
  mv "${work}/rootfs.tar" "$tarball"
  log "cached ${tarball} ($(du -h "$tarball" | cut -f1), key ${key})"
  # A changed recipe makes older tarballs unreachable; drop them rather than grow the cache.
  find "$CACHE_DIR" -maxdepth 1 -name "rootfs-${SUITE}-*.tar" ! -path "$tarball" -print -delete |
    sed 's/^/[e2e-images] removed stale /' >&2
  remove_tree "$work"
  trap - EXIT
}

build_debian() {
  local key tarball
  key="$(printf 'suite=%s variant=minbase arch=%s recipe=%s packages=%s\n' \
    "$SUITE" "$(dpkg --print-architecture)" "$RECIPE" "${PACKAGES[*]}" | sha256_of)"
  if [[ "$(image_label "$DEBIAN_IMAGE")" == "$key" ]]; then
    log "${DEBIAN_IMAGE} is up to date"
    return
  fi
  tarball="${CACHE_DIR}/rootfs-${SUITE}-${key:0:16}.tar"
  if [[ -f "$tarball" ]]; then
    log "using cached rootfs ${tarball}"
  else
    build_rootfs "$key" "$tarball"
  fi
  log "importing ${DEBIAN_IMAGE}"
  docker import \
    --change "LABEL ${LABEL}=${key}" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    --message "debootstrap ${SUITE} minbase + ${PACKAGES[*]}" \
    "$tarball" "$DEBIAN_IMAGE" >/dev/null
  log "checking tools in ${DEBIAN_IMAGE}"
  docker run --rm --network none "$DEBIAN_IMAGE" sh -c \
    'for t in bash git curl ssh sshd ssh-keygen python3 nc dig host ip ps \
         update-ca-certificates useradd; do
       command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }
     done' || die "${DEBIAN_IMAGE} lacks a required tool; fix PACKAGES and bump RECIPE"
}

# Builds image $1 from tests/e2e/images/$2 on the Debian image, with a build context holding the
# host files and folders given after $3 (each under its own base name), unless the image already
# carries the same content key; $3 is a digest of those sources. Prints the image reference.
build_on_debian() {
  local image="$1" dockerfile="${HERE}/$2" sources="$3" key context src
  shift 3
  key="$(printf 'base=%s sources=%s dockerfile=%s\n' \
    "$(docker image inspect --format '{{.Id}}' "$DEBIAN_IMAGE")" "$sources" \
    "$(sha256_of <"$dockerfile")" | sha256_of)"
  if [[ "$(image_label "$image")" == "$key" ]]; then
    log "${image} is up to date"
  else
    context="$(mktemp -d)"
    # shellcheck disable=SC2064 # expand now: $context is local
    trap "rm -rf '${context}'" EXIT
    for src in "$@"; do cp -r "$src" "${context}/$(basename "$src")"; done
    log "building ${image} from $*"
    docker build --quiet \
      --file "$dockerfile" \
      --build-arg "BASE_IMAGE=${DEBIAN_IMAGE}" \
      --label "${LABEL}=${key}" \
      --tag "$image" \
      "$context" >/dev/null
    rm -rf "$context"
    trap - EXIT
  fi
  printf '%s\n' "$image"
}

# Prints the deno image reference after building it (tagged with the binary's own version).
build_deno() {
  local deno version
  deno="$(find_deno)"
  [[ "$(basename "$deno")" == deno ]] || die "${deno} must be named deno"
  version="$("$deno" --version | awk 'NR == 1 { print $2 }')"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot read the version of ${deno}"
  build_on_debian "bot-bottle-test/deno:${version}" deno.Dockerfile "$(sha256_of <"$deno")" "$deno"
}

# Node and npm for the node image when the host's cannot be copied in (Debian's node links shared
# libraries and its npm is split into many packages; Debian 12's is also older than the providers
# need): the official binary from node-linux-<arch> and npm, which ships its own dependencies.
readonly NODE_FALLBACK=22.23.5 NPM_FALLBACK=10.9.9

# Prints the folder holding `node` and `npm/` fetched from the npm registry (cached).
fetch_node() {
  local arch dir work
  case "$(dpkg --print-architecture)" in
    amd64) arch=x64 ;;
    arm64) arch=arm64 ;;
    *) die "no node-linux package for $(dpkg --print-architecture); set BOT_BOTTLE_E2E_NODE" ;;
  esac
  dir="${CACHE_DIR}/node-${NODE_FALLBACK}-npm-${NPM_FALLBACK}-${arch}"
  if [[ ! -x "${dir}/node" ]]; then
    command -v npm >/dev/null || die "npm not on PATH (it fetches Node ${NODE_FALLBACK})"
    log "fetching node ${NODE_FALLBACK} and npm ${NPM_FALLBACK} from the npm registry"
    work="$(mktemp -d "${CACHE_DIR}/work.XXXXXX")"
    (cd "$work" && npm pack --silent "node-linux-${arch}@${NODE_FALLBACK}" "npm@${NPM_FALLBACK}" \
      >/dev/null) || { rm -rf "$work"; die "npm pack of node and npm failed"; }
    mkdir "${work}/node-pkg" "${work}/npm"
    tar -xzf "${work}/node-linux-${arch}-${NODE_FALLBACK}.tgz" -C "${work}/node-pkg"
    tar -xzf "${work}/npm-${NPM_FALLBACK}.tgz" -C "${work}/npm" --strip-components=1
    mv "${work}/node-pkg/package/bin/node" "${work}/node"
    rm -rf "${work}/node-pkg" "${work}"/*.tgz
    rm -rf "$dir"
    mv "$work" "$dir"
  fi
  printf '%s\n' "$dir"
}

# Prints the node image reference after building it (tagged with the binary's own version).
build_node() {
  local node npm version fetched
  node="$(readlink -f "${BOT_BOTTLE_E2E_NODE:-$(command -v node || die "node not on PATH")}")"
  is_elf "$node" || die "${node} is not an ELF binary; set BOT_BOTTLE_E2E_NODE"
  [[ "$(basename "$node")" == node ]] || die "${node} must be named node"
  npm="$(dirname "$(dirname "$node")")/lib/node_modules/npm"
  if [[ ! -f "${npm}/bin/npm-cli.js" ]] && [[ -z "${BOT_BOTTLE_E2E_NODE:-}" ]]; then
    fetched="$(fetch_node)"
    node="${fetched}/node"
    npm="${fetched}/npm"
  fi
  [[ -f "${npm}/bin/npm-cli.js" ]] || die "no npm next to ${node} (looked in ${npm})"
  version="$("$node" --version)"
  version="${version#v}"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot read the version of ${node}"
  build_on_debian "bot-bottle-test/node:${version}" node.Dockerfile \
    "$({ sha256_of <"$node"; sha256_of <"${npm}/package.json"; } | sha256_of)" "$node" "$npm"
}

main() {
  case "${1:-}" in
    "") ;;
    -h | --help) usage; exit 0 ;;
    *) printf '[e2e-images] error: unknown argument "%s" (try --help)\n' "$1" >&2; exit 2 ;;
  esac
  docker info >/dev/null 2>&1 || die "docker daemon not reachable (is dockerd running?)"
  mkdir -p "$CACHE_DIR" 2>/dev/null || die "cannot create ${CACHE_DIR}; set BOT_BOTTLE_E2E_CACHE"
  # Concurrent runs (parallel CI jobs) wait for each other instead of racing on the same tags.
  exec 9>"${CACHE_DIR}/.lock"
  flock 9
  local deno_image node_image
  build_debian
  deno_image="$(build_deno)"
  node_image="$(build_node)"
  log "done"
  printf 'debian=%s\ndeno=%s\nnode=%s\n' "$DEBIAN_IMAGE" "$deno_image" "$node_image"
}

main "$@"
