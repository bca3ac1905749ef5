/**
 * The self-test's shell text. It runs inside the agent image, which may be a committed or
 * bottle-supplied image, so it relies only on `sh` (POSIX), `curl` and `getent`; `command`,
 * `printf`, `wait` and `set` are shell builtins. Targets arrive as positional arguments tagged
 * `wait=`, `proxy=`, `tcp=` and `dns=`, never as script text.
 *
 * `wait=TICKS` (first, before `proxy=`) lets the proxy probe wait for a sidecar that is still
 * starting: while the proxy's port refuses connections (its container runs, its daemon does not
 * listen yet) the probe tries again every 0.2 s, up to TICKS tries. Only a refusal is retried: a
 * proxy that answers wrongly, or an address with no host behind it (a dead sidecar), fails at
 * once. So the launch starts the self-test as soon as the agent runs, and the network probes
 * (whose timeouts are the test's floor) run while the sidecar starts. The pause is `sleep` where
 * the image has one; without it the probe just tries again.
 *
 * Each probe prints exactly one `probe<TAB>name<TAB>ok|fail<TAB>detail` line, so a probe that
 * never ran is told apart from one that passed by the line's absence. Probes run as background
 * jobs: the whole test takes as long as the slowest probe (a few seconds at most), and each
 * line is one short `printf`, a single atomic pipe write, so concurrent lines never interleave.
 *
 * Direct TCP is classified from `curl -v`'s text, because curl's exit code 7 covers both a refused
 * connection (a host answered: reached) and a kernel "no route" (nothing left the bottle). Only
 * the known "nothing left the bottle" outcomes pass: a connect timeout, or the strerror texts of
 * ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL (no source address, e.g. no IPv6), EAFNOSUPPORT, and
 * EPERM/EACCES (a local firewall). Anything else, including a curl whose wording changed, fails
 * closed and shows curl's own error line. `LC_ALL=C` keeps those texts in English.
 *
 * Every curl starts with `-q`, so a `~/.curlrc` the agent planted (kept across commit and resume)
 * cannot silence the very output the TCP probe reads.
 *
 * DNS uses `getent ahosts`: `getaddrinfo`, the call real clients make, through the container's own
 * resolver path (`/etc/hosts`, then DNS), asking A and AAAA in one round (`getent hosts` asks them
 * one after the other, doubling the wait). Exit 2 ("not found") passes. A resolver that never
 * answers (Docker's embedded DNS forwarding to a sidecar that serves none) would hold glibc for
 * 2 x 5 s per family; `RES_OPTIONS` bounds the lookup to two 1 s tries without needing `timeout`.
 * A `getent` without the `ahosts` database (exit 1, e.g. musl's) is asked for `hosts` instead.
 *
 * The waits are the self-test's floor: in a sealed bottle every TCP probe and the DNS probe end
 * by their timeout (the internal network has a gateway address nobody answers ARP for), so the
 * whole test takes the longest timeout. They are chosen from measured SYN behaviour: on a loaded
 * 2-core machine a reachable container answered a SYN in 0.2 to 15 ms (runc and gVisor alike),
 * refused at once, and a name resolved in 5 to 75 ms; internet round trips are well under a
 * second. A 2 s connect timeout still sees a reachable host whose first SYN was lost (Linux
 * resends it after 1 s) and two DNS tries absorb one lost query: as strong as the 3 s it replaced
 * for anything that answers, a second sooner for a bottle that is sealed.
 */
export const SELF_TEST_SCRIPT = `set -f
IFS=' \t\n'
export LC_ALL=C
nl='\n'

# Fold every run of whitespace into one space: a detail must never break the line format.
one_line() { set -- $1; printf '%s' "$*"; }

report() {
  printf 'probe\\t%s\\t%s\\t%s\\n' "$1" "$2" "$(one_line "$3")"
  [ "$2" = ok ]
}

proxy_wait=0

probe_proxy() {
  tries=0
  while :; do
    # -v: only its text tells a refusal from no route; curl's own error is the last line.
    out=$(curl -q -v -sS --noproxy '' --proxy "$1" --connect-timeout 3 --max-time 5 \\
      -o /dev/null -w 'status=%{http_code}' http://_egress.local/allowlist 2>&1)
    rc=$?
    case "$rc:$out" in
      7:*"Connection refused"*) [ "$tries" -lt "$proxy_wait" ] || break ;;
      *) break ;;
    esac
    # A fractional sleep is not POSIX: where it fails, a whole second counts as five ticks.
    if sleep 0.2 2>/dev/null; then tries=$((tries + 1)); else sleep 1; tries=$((tries + 5)); fi
  done
  status=\${out##*status=}
  case "$rc:$status" in
    0:200) report proxy ok "$1 answered GET http://_egress.local/allowlist with HTTP 200" ;;
    0:*) report proxy fail "$1 answered GET http://_egress.local/allowlist with HTTP $status (expected 200)" ;;
    *)
      why=\${out%status=*}
      why=\${why%"$nl"}
      report proxy fail "$1 did not answer GET http://_egress.local/allowlist: \${why##*"$nl"}" ;;
  esac
}

probe_tcp() {
  out=$(curl -q -v -sS -g --noproxy '*' --connect-timeout 2 --max-time 3 \\
    -o /dev/null "http://$1/" 2>&1)
  rc=$?
  case "$out" in
    *"Connected to "*) report "tcp $1" fail "connected directly (expected no route)"; return ;;
  esac
  case "$rc:$out" in
    28:*) report "tcp $1" ok "connect timed out (no route)" ;;
    7:*"Connection refused"*)
      report "tcp $1" fail "was refused directly, so a host answered (expected no route)" ;;
    7:*"Network is unreachable"*) report "tcp $1" ok "no route (network is unreachable)" ;;
    7:*"No route to host"*) report "tcp $1" ok "no route (no route to host)" ;;
    7:*"Cannot assign requested address"*) report "tcp $1" ok "no route (no source address)" ;;
    7:*"Address family not supported"*) report "tcp $1" ok "no route (address family disabled)" ;;
    7:*"Operation not permitted"* | 7:*"Permission denied"*)
      report "tcp $1" ok "no route (blocked by a local firewall)" ;;
    *) report "tcp $1" fail "gave an unexpected result (curl exit $rc: \${out##*"$nl"})" ;;
  esac
}

probe_dns() {
  out=$(RES_OPTIONS='timeout:1 attempts:2' getent ahosts -- "$1" 2>&1)
  rc=$?
  if [ "$rc" -eq 1 ]; then
    out=$(RES_OPTIONS='timeout:1 attempts:2' getent hosts -- "$1" 2>&1)
    rc=$?
  fi
  case $rc in
    2) report "dns $1" ok "does not resolve" ;;
    0) set -- "$1" $out; report "dns $1" fail "resolved to $2 (expected no answer)" ;;
    *) report "dns $1" fail "gave an unexpected result (getent exit $rc: $out)" ;;
  esac
}

missing=
for tool in curl getent; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  report tools fail "missing from the agent image:$missing (the self-test needs sh, curl and getent)"
  exit 1
fi
report tools ok "curl and getent found"

pids=
for arg do
  case $arg in
    wait=*) proxy_wait=\${arg#wait=}; continue ;;
    proxy=*) probe_proxy "\${arg#proxy=}" & ;;
    tcp=*) probe_tcp "\${arg#tcp=}" & ;;
    dns=*) probe_dns "\${arg#dns=}" & ;;
    *) report "argument $arg" fail "is not proxy=, tcp= or dns="; exit 2 ;;
  esac
  pids="$pids $!"
done
result=0
for pid in $pids; do
  wait "$pid" || result=1
done
exit $result
`;
