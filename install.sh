#!/bin/sh
# Install the bot-bottle binary for this machine (SPEC §9):
#   curl -fsSL https://github.com/bot-bottle/bot-bottle/releases/latest/download/install.sh | sh
#
# Downloads bot-bottle-<target> and SHA256SUMS, refuses to install anything unless the checksum
# matches, installs to ~/.local/bin (no sudo), creates ~/.bot-bottle/ and runs `bot-bottle doctor`.
# Safe to run again: it upgrades in place, or leaves an identical binary alone.
#
# Environment:
#   BOT_BOTTLE_INSTALL_URL  where the release files are (default: the latest GitHub release)
#   BOT_BOTTLE_INSTALL_DIR  where the binary goes (default: ~/.local/bin)
#   BOT_BOTTLE_HOME         the config and state folder (default: ~/.bot-bottle)
set -eu

DEFAULT_URL="https://github.com/bot-bottle/bot-bottle/releases/latest/download"

# Set before the traps so cleanup never reads an unset variable under `set -u`.
tmp_dir=""
staged=""

say() {
  printf 'bot-bottle install: %s\n' "$*"
}

warn() {
  printf 'bot-bottle install: warning: %s\n' "$*" >&2
}

die() {
  printf 'bot-bottle install: error: %s\n' "$*" >&2
  exit 1
}

cleanup() {
  if [ -n "$staged" ]; then rm -f "$staged"; fi
  if [ -n "$tmp_dir" ]; then rm -rf "$tmp_dir"; fi
}

home_dir() {
  if [ -z "${HOME:-}" ]; then
    die "HOME is not set; set BOT_BOTTLE_INSTALL_DIR and BOT_BOTTLE_HOME instead"
  fi
  printf '%s' "$HOME"
}

# The release targets built by `deno task compile`.
detect_target() {
  os="$(uname -s)"
  arch="$(uname -m)"
  case "$os" in
    Linux) os_part="unknown-linux-gnu" ;;
    Darwin) os_part="apple-darwin" ;;
    *) die "unsupported operating system \"$os\" (bot-bottle runs on Linux and macOS)" ;;
  esac
  case "$arch" in
    x86_64 | amd64) arch_part="x86_64" ;;
    aarch64 | arm64) arch_part="aarch64" ;;
    *) die "unsupported architecture \"$arch\" (bot-bottle runs on x86_64 and arm64)" ;;
  esac
  # A shell under Rosetta 2 reports x86_64 on Apple silicon; the native binary is the right one.
  if [ "$os_part" = "apple-darwin" ] && [ "$arch_part" = "x86_64" ] &&
    [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = "1" ]; then
    arch_part="aarch64"
  fi
  printf '%s-%s' "$arch_part" "$os_part"
}

download() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed; install one and run this again"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{ print $1 }'
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | awk '{ print $1 }'
  else
    die "neither sha256sum nor shasum is installed, so the download cannot be verified; nothing was installed"
  fi
}

# Prints the expected sum for $2 from the SHA256SUMS file $1 (text or binary mode lines).
expected_sum() {
  awk -v name="$2" '$2 == name || $2 == "*" name { print $1; exit }' "$1"
}

make_home() {
  for sub in bottles agents contrib state queue logs; do
    mkdir -p "$1/$sub"
  done
  # Per-bottle CA keys, routes and supervise proposals live here: owner only.
  chmod 700 "$1/state" "$1/queue"
}

check_path() {
  case ":${PATH:-}:" in
    *":$1:"*) ;;
    *)
      warn "$1 is not on your PATH; add this line to your shell profile:"
      printf "  export PATH=\"%s:\$PATH\"\n" "$1" >&2
      return 0
      ;;
  esac
  found="$(command -v bot-bottle 2>/dev/null || true)"
  if [ -n "$found" ] && [ "$found" != "$1/bot-bottle" ]; then
    warn "another bot-bottle comes first on your PATH: $found"
  fi
}

main() {
  base_url="${BOT_BOTTLE_INSTALL_URL:-$DEFAULT_URL}"
  base_url="${base_url%/}"
  install_dir="${BOT_BOTTLE_INSTALL_DIR:-$(home_dir)/.local/bin}"
  bb_home="${BOT_BOTTLE_HOME:-$(home_dir)/.bot-bottle}"

  target="$(detect_target)"
  name="bot-bottle-$target"

  tmp_dir="$(mktemp -d)"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP

  say "downloading $name from $base_url"
  download "$base_url/$name" "$tmp_dir/$name" || die "cannot download $base_url/$name"
  download "$base_url/SHA256SUMS" "$tmp_dir/SHA256SUMS" ||
    die "cannot download $base_url/SHA256SUMS"

  expected="$(expected_sum "$tmp_dir/SHA256SUMS" "$name")"
  if [ -z "$expected" ]; then
    die "SHA256SUMS has no line for $name, so it cannot be verified; nothing was installed"
  fi
  actual="$(sha256_of "$tmp_dir/$name")"
  if [ "$actual" != "$expected" ]; then
    die "checksum mismatch for $name: expected $expected, got $actual; nothing was installed"
  fi
  say "checksum ok ($actual)"

  mkdir -p "$install_dir"
  binary="$install_dir/bot-bottle"
  if [ -f "$binary" ] && [ "$(sha256_of "$binary")" = "$actual" ]; then
    chmod 755 "$binary"
    say "$binary is already this version"
  else
    # Stage beside the target so the final mv is a rename on one filesystem: a running
    # bot-bottle never sees a half-written file.
    staged="$install_dir/.bot-bottle.install.$$"
    cp "$tmp_dir/$name" "$staged"
    chmod 755 "$staged"
    mv -f "$staged" "$binary"
    staged=""
    say "installed $binary"
  fi

  make_home "$bb_home"
  say "config folder ready: $bb_home"
  check_path "$install_dir"

  say "running bot-bottle doctor"
  # stdin is the script itself under `curl | sh`; doctor must not read it.
  doctor_status=0
  BOT_BOTTLE_HOME="$bb_home" "$binary" doctor </dev/null || doctor_status=$?
  if [ "$doctor_status" -ne 0 ]; then
    warn "bot-bottle doctor found problems (exit $doctor_status); bot-bottle itself is installed"
    warn "fix the fail: lines above, then run: bot-bottle doctor"
  fi
  say "done"
}

main "$@"
