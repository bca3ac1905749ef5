# Sourced by scripts/test after _ensure_docker.sh: registers gVisor's runsc with the Docker engine
# (a "runsc" runtime in /etc/docker/daemon.json) when it is installed and not registered yet.
# runsc runs with --platform=ptrace (works without KVM, in VMs and nested containers) and
# --network=host (the container's own network namespace, set up by Docker, through the host
# kernel's stack: gVisor's netstack fails on these machines). Idempotent: an engine that already
# lists runsc is left alone; otherwise dockerd is asked to reload its configuration (SIGHUP, which
# reloads runtimes without stopping running containers), never restarted.
BOT_BOTTLE_DAEMON_JSON="${BOT_BOTTLE_DAEMON_JSON:-/etc/docker/daemon.json}"
bot_bottle_runsc_registered() {
  docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'
}
if ! command -v runsc >/dev/null 2>&1; then
  echo "warning: runsc (gVisor) is not installed; the gVisor suites cannot run" >&2
elif ! bot_bottle_runsc_registered; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "warning: runsc is not registered with Docker and this is not root; the gVisor suites cannot run" >&2
  else
    echo "registering runsc with Docker ($BOT_BOTTLE_DAEMON_JSON)..." >&2
    mkdir -p "$(dirname "$BOT_BOTTLE_DAEMON_JSON")"
    # Merge into any existing configuration; other keys are kept as they are.
    python3 - "$BOT_BOTTLE_DAEMON_JSON" "$(command -v runsc)" <<'PY' || echo "warning: cannot update $BOT_BOTTLE_DAEMON_JSON" >&2
import json, os, sys
path, runsc = sys.argv[1], sys.argv[2]
config = {}
if os.path.exists(path) and os.path.getsize(path) > 0:
    with open(path) as f:
        config = json.load(f)
config.setdefault("runtimes", {})["runsc"] = {
    "path": runsc,
    "runtimeArgs": ["--platform=ptrace", "--network=host"],
}
tmp = path + ".bot-bottle.tmp"
with open(tmp, "w") as f:
    json.dump(config, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
PY
    # The daemon behind the default socket writes its pid here; another dockerd (a test's nested
    # engine with its own --pidfile) is not ours to signal.
    _bb_dockerd="$(cat /var/run/docker.pid 2>/dev/null || true)"
    if [ -n "$_bb_dockerd" ]; then
      kill -HUP "$_bb_dockerd"
      for _ in $(seq 1 20); do bot_bottle_runsc_registered && break; sleep 0.5; done
    fi
    bot_bottle_runsc_registered ||
      echo "warning: dockerd did not pick up runsc; restart it to use gVisor" >&2
    unset _bb_dockerd
  fi
fi
