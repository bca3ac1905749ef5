# Sourced by scripts/check-fresh-machine and tests/e2e/images/build.sh: where this machine gets
# Debian's packages, read from apt's own configuration (one-line or deb822 format).

# Prints the URI of the first enabled `deb` source for suite $1; returns 1 when there is none.
bot_bottle_debian_mirror() {
  local suite="$1" f uri
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r "$f" ]] || continue
    uri="$(awk -v suite="$suite" '$1 == "deb" {
      sub(/\[[^]]*\][ \t]*/, "")
      if ($3 == suite) { print $2; exit }
    }' "$f")"
    [[ -n "$uri" ]] && { printf '%s\n' "$uri"; return 0; }
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r "$f" ]] || continue
    uri="$(awk -v suite="$suite" 'BEGIN { RS = ""; FS = "\n" } {
      types = ""; uris = ""; suites = ""; enabled = "yes"
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^#/ || !match($i, /^[A-Za-z-]+:/)) continue
        key = tolower(substr($i, 1, RLENGTH - 1)); val = substr($i, RLENGTH + 1)
        gsub(/^[ \t]+|[ \t]+$/, "", val)
        if (key == "types") types = val
        else if (key == "uris") uris = val
        else if (key == "suites") suites = val
        else if (key == "enabled") enabled = tolower(val)
      }
      if (enabled == "no" || (" " types " ") !~ / deb / || (" " suites " ") !~ (" " suite " ")) next
      split(uris, u, /[ \t]+/); print u[1]; exit
    }' "$f")"
    [[ -n "$uri" ]] && { printf '%s\n' "$uri"; return 0; }
  done
  return 1
}
