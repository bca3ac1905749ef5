#!/usr/bin/env bash
# Copies the offline test base images that build.sh made in Docker into Podman's own image store
# (`docker save | podman load`: no registry), so the e2e suites can run on Podman. Cached: an image
# Podman already has with the same image ID (save/load keeps it) is skipped.
#   tests/e2e/images/podman_load.sh REF...
set -euo pipefail
shopt -s inherit_errexit

log() { printf '[e2e-images] %s\n' "$*" >&2; }

for ref in "$@"; do
  want="$(docker image inspect --format '{{.Id}}' "$ref")"
  want="${want#sha256:}"
  have="$(podman image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)"
  if [[ "$have" == "$want" ]]; then
    continue
  fi
  log "loading $ref into podman"
  docker save "$ref" | podman load --quiet >/dev/null
  have="$(podman image inspect --format '{{.Id}}' "$ref")"
  [[ "$have" == "$want" ]] || { log "error: podman has $ref as $have, docker as $want"; exit 1; }
done
