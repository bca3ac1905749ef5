# Sourced by scripts/test, scripts/bot-bottle and scripts/check-fresh-machine (after
# _ensure_packages.sh): makes sure a Docker engine answers, installing Debian's docker.io and
# starting dockerd in the background when this is a root shell on a machine without one.
docker_up() { docker info >/dev/null 2>&1; }
if ! docker_up; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "warning: no Docker engine answers and this is not root, so none is started (bot-bottle doctor says how)" >&2
  else
    if ! command -v dockerd >/dev/null 2>&1; then
      # Recommends too: docker.io's bring the tools a build and a bridge network need.
      echo "installing ${BOT_BOTTLE_ENGINE_PACKAGES[*]} from Debian..." >&2
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${BOT_BOTTLE_ENGINE_PACKAGES[@]}" >&2
    fi
    echo "starting dockerd..." >&2
    nohup dockerd >/tmp/bot-bottle-dockerd.log 2>&1 &
    for _ in $(seq 1 60); do docker_up && break; sleep 1; done
    docker_up || { echo "dockerd did not start; see /tmp/bot-bottle-dockerd.log" >&2; }
  fi
fi
