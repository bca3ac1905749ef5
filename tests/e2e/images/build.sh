#!/usr/bin/env bash
# Builds the base images the Docker end-to-end suite needs, without any image registry (SPEC §10):
#
#   bot-bottle-test/debian:bookworm    debootstrap'd minimal Debian with the agent and probe tools
#   bot-bottle-test/deno:<version>     that image plus the host's own deno binary
#   bot-bottle-test/node:<version>     that image plus the host's own node and npm (the base of the
#                                      claude and codex provider images, which install from npm);
#                                      with Debian's nodejs and npm on the host, a debootstrap
#                                      that includes them instead
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

# Writes the cached rootfs tarball $2 for $1 (the recipe key) with debootstrap of PACKAGES, then
# apt-get installs the packages given after $3 (a glob of the tarballs it replaces) in it:
# debootstrap cannot configure a package with as many dependencies as Debian's npm.
build_rootfs() {
  local key="$1" tarball="$2" stale="$3" mirror arch work
  shift 3
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
  if [[ "$#" -gt 0 ]]; then
    log "apt-get install $* in the rootfs"
    cp /etc/resolv.conf "${work}/rootfs/etc/resolv.conf"
    mount -t proc proc "${work}/rootfs/proc"
    chroot "${work}/rootfs" sh -c 'apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"' \
      sh "$@" 2>&1 | sed -u 's/^/[e2e-images]   /' >&2 || die "apt-get install $* failed"
    umount "${work}/rootfs/proc"
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
  find "$CACHE_DIR" -maxdepth 1 -name "$stale" ! -path "$tarball" -print -delete |
    sed 's/^/[e2e-images] removed stale /' >&2
  remove_tree "$work"
  trap - EXIT
}

# Imports image $1 from a debootstrap of PACKAGES plus the packages given after $3, unless it
# already carries the same recipe key. $2 names its tarballs in the cache (empty for the plain
# Debian image); $3 is a shell command the image must run, to check it.
build_rootfs_image() {
  local image="$1" variant="$2" check="$3" key tarball stale
  shift 3
  local packages=("${PACKAGES[@]}" "$@")
  key="$(printf 'suite=%s variant=minbase arch=%s recipe=%s packages=%s\n' \
    "$SUITE" "$(dpkg --print-architecture)" "$RECIPE" "${packages[*]}" | sha256_of)"
  if [[ "$(image_label "$image")" == "$key" ]]; then
    log "${image} is up to date"
    return
  fi
  # The plain image's tarballs are named by the key alone (hex), so the two globs never overlap.
  if [[ -z "$variant" ]]; then
    tarball="${CACHE_DIR}/rootfs-${SUITE}-${key:0:16}.tar"
    stale="rootfs-${SUITE}-[0-9a-f]*.tar"
  else
    tarball="${CACHE_DIR}/rootfs-${SUITE}-${variant}-${key:0:16}.tar"
    stale="rootfs-${SUITE}-${variant}-*.tar"
  fi
  if [[ -f "$tarball" ]]; then
    log "using cached rootfs ${tarball}"
  else
    build_rootfs "$key" "$tarball" "$stale" "$@"
  fi
  log "importing ${image}"
  docker import \
    --change "LABEL ${LABEL}=${key}" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    --message "debootstrap ${SUITE} minbase + ${packages[*]}" \
    "$tarball" "$image" >/dev/null
  log "checking tools in ${image}"
  docker run --rm --network none "$image" sh -c "$check" ||
    die "${image} lacks a required tool; fix PACKAGES and bump RECIPE"
}

build_debian() {
  build_rootfs_image "$DEBIAN_IMAGE" "" \
    'for t in bash git curl ssh sshd ssh-keygen python3 nc dig host ip ps \
         update-ca-certificates useradd; do
       command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }
     done'
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

# Prints the node image reference after building it (tagged with the binary's own version).
# A node with npm beside it (nodejs.org's layout) is copied in; Debian's nodejs links shared
# libraries and Debian's npm is split into many packages, so with those the image is instead a
# debootstrap that includes Debian's nodejs and npm, the same versions as the host's.
build_node() {
  local node npm version
  node="$(readlink -f "${BOT_BOTTLE_E2E_NODE:-$(command -v node || die "node not on PATH")}")"
  is_elf "$node" || die "${node} is not an ELF binary; set BOT_BOTTLE_E2E_NODE"
  [[ "$(basename "$node")" == node ]] || die "${node} must be named node"
  version="$("$node" --version)"
  version="${version#v}"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot read the version of ${node}"
  npm="$(dirname "$(dirname "$node")")/lib/node_modules/npm"
  if [[ ! -f "${npm}/bin/npm-cli.js" ]] && debian_node "$node"; then
    build_rootfs_image "bot-bottle-test/node:${version}" node 'node --version && npm --version' \
      nodejs npm >&2
    printf '%s\n' "bot-bottle-test/node:${version}"
    return
  fi
  [[ -f "${npm}/bin/npm-cli.js" ]] || die "no npm next to ${node} (looked in ${npm})"
  build_on_debian "bot-bottle-test/node:${version}" node.Dockerfile \
    "$({ sha256_of <"$node"; sha256_of <"${npm}/package.json"; } | sha256_of)" "$node" "$npm"
}

# Whether $1 is the node of Debian's own nodejs package, with Debian's npm installed beside it.
debian_node() {
  local p
  [[ "$1" == /usr/bin/node ]] && [[ -f /usr/share/nodejs/npm/package.json ]] || return 1
  for p in nodejs npm; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || return 1
  done
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
