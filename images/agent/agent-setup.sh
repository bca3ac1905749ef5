#!/bin/sh
# Shared by every provider image (images/*/Dockerfile, run once at build time as root): the tools
# an agent shell and the launch's isolation self-test use, and the non-root user `agent`
# (uid 1000) whose home holds the workspace. A base image that already has every tool needs no
# package manager and no network; otherwise what is missing is installed with apt.
set -eu

missing=""
# command:package pairs.
for pair in git:git curl:curl ssh:openssh-client python3:python3 nc:netcat-openbsd \
            dig:bind9-dnsutils ip:iproute2 ps:procps \
            update-ca-certificates:ca-certificates useradd:passwd; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
if [ -n "$missing" ]; then
  echo "base image lacks:$missing; installing with apt" >&2
  apt-get update
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
  rm -rf /var/lib/apt/lists/*
fi

# Node's images ship a user `node` with uid 1000; the agent user takes its place.
existing="$(getent passwd 1000 | cut -d: -f1 || true)"
if [ -n "$existing" ] && [ "$existing" != agent ]; then
  userdel --remove "$existing" 2>/dev/null || userdel "$existing"
fi
getent group 1000 >/dev/null 2>&1 && groupdel "$(getent group 1000 | cut -d: -f1)" 2>/dev/null || true
useradd --uid 1000 --user-group --create-home --home-dir /home/agent --shell /bin/bash agent
install -d -o agent -g agent /home/agent/workspace
