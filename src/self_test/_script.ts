/**
 * The self-test's shell text. It runs inside the agent image, which may be a committed or
 * bottle-supplied image, so it relies only on `sh` (POSIX), `curl` and `getent`; `command`,
 * `printf`, `wait` and `set` are shell builtins. Targets arrive as positional arguments tagged
 * `wait=`, `proxy=`, `near=`, `tcp=` and `dns=`, never as script text.
 *
 * `wait=TICKS` (first, before `proxy=`) lets the proxy probe wait for a sidecar that is still
 * starting: while the proxy's port refuses connections (its container runs, its daemon does not
 * listen yet) the probe tries again every 0.2 s, up to TICKS tries. Only a refusal is retried: a
 * proxy that answers wrongly, or an address with no host behind it (a dead sidecar), fails at
 * once. So the launch starts the self-test as soon as the agent runs, and the network probes
 * (whose timeouts are the test's floor) run while the sidecar starts. The pause is `sleep` where
 * the image has one; without it the probe just tries again.
 *
 * A lone `-` among the arguments reads more of them from standard input, one per line, until its
 * end: `near=` and `tcp=` only, the targets that exist once the sidecar has started (its address
 * on the egress network, a host that answers at once). So the launch starts the exec as the agent
 * runs, and the exec's own start-up, the tools check and the proxy probe overlap the sidecar's
 * start; the TCP probes begin as the lines arrive.
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
 * answers would hold glibc for 2 x 5 s per family; `RES_OPTIONS` bounds each lookup to one 1 s
 * try (glibc's shortest) without needing `timeout`, and two lookups run at once, so one lost
 * query cannot pass a name that resolves. A `getent` without the `ahosts` database (exit 1, e.g.
 * musl's) is asked for `hosts`. The DNS probes start once the proxy probe has ended: the agent's
 * resolver asks the sidecar, whose egress daemon refuses every name at once from before its
 * proxy answers, so a lookup then ends in milliseconds, where one sent while the sidecar still
 * starts waits out its 1 s. Either way a name that resolves fails the probe.
 *
 * The waits are the self-test's floor: in a sealed bottle the TCP probes and the DNS probe end
 * by their timeout (the agent's default route points at the internal network's gateway address,
 * which nobody answers ARP for), so the whole test takes the longest timeout. The direct connect
 * timeout is measured on this bottle, not guessed: `near=ADDR:PORT` (the proxy's host, on a port
 * nothing listens on) is one connect to a host of the bottle's own network that answers at once
 * (its kernel refuses), so its time is what ARP plus a SYN round trip cost here, now. A reachable
 * target answers alike, so each direct connect may take {@link RTT_FACTOR} times that, at least
 * {@link MIN_CONNECT_MS} (both tries fit in the DNS probe's 1 s) and at most
 * {@link MAX_CONNECT_MS}; a timeout is tried once more with a fresh SYN, so one SYN lost on the
 * way cannot pass a host that answers. When `near` gives no time within 0.1 s (no answer, no curl
 * timing), each try takes {@link FALLBACK_CONNECT_S}: as strong as the 2 s single connect it
 * replaced (Linux resends a lost SYN after 1 s). Measured on a loaded 2-core machine: the sidecar refused in
 * 0.1 to 15 ms (runc and gVisor alike), so a sealed bottle's TCP probes take about 0.9 s.
 *
 * @module
 */

/** How many measured round trips a direct connect may take before it counts as no route. */
export const RTT_FACTOR = 20;
/** The shortest direct connect timeout, in ms: two tries fit in one 1 s DNS try. */
export const MIN_CONNECT_MS = 450;
/** The longest direct connect timeout, in ms, however slow the measured round trip. */
export const MAX_CONNECT_MS = 2000;
/** The direct connect timeout, in s, when the round trip could not be measured. */
export const FALLBACK_CONNECT_S = 1;
/**
 * How long the round trip may take to be measured, in s: a slower one would give at least
 * {@link MAX_CONNECT_MS} anyway, so past it the fallback applies, and a `near` that never
 * answers (an engine that forwards only the daemons' ports) costs the test no more than this.
 */
const NEAR_TIMEOUT_S = MAX_CONNECT_MS / RTT_FACTOR / 1000;

/** The self-test's shell text (see the module comment). */
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

# Microseconds from curl's seconds with six decimals ("0.000177"); nothing for other text.
micros() {
  case $1 in
    [0-9]*.[0-9][0-9][0-9][0-9][0-9][0-9]) ;;
    *) return 1 ;;
  esac
  whole=\${1%%.*}
  frac=\${1#*.}
  while :; do case $frac in 0?*) frac=\${frac#0} ;; *) break ;; esac; done
  case $whole in *[!0-9]*) return 1 ;; esac
  printf '%s' $((whole * 1000000 + frac))
}

# One round trip to a host of the bottle's own network that answers at once (the sidecar's
# kernel, on a port nothing listens on: refused, or connected) sets the direct connect timeout.
measure_timeout() {
  out=$(curl -q -sS -g --noproxy '*' --connect-timeout ${NEAR_TIMEOUT_S} --max-time 1 \\
    -o /dev/null -w 'rtt %{time_connect} %{time_total}' "http://$1/" 2>/dev/null)
  rc=$?
  set -- $out
  case "$rc:$1" in
    0:rtt) us=$(micros "$2") || return 0 ;;
    7:rtt) us=$(micros "$3") || return 0 ;;
    *) return 0 ;;
  esac
  ms=$((us * ${RTT_FACTOR} / 1000))
  [ "$ms" -ge ${MIN_CONNECT_MS} ] || ms=${MIN_CONNECT_MS}
  [ "$ms" -le ${MAX_CONNECT_MS} ] || ms=${MAX_CONNECT_MS}
  tcp_timeout=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
}

tcp_timeout=${FALLBACK_CONNECT_S}

probe_tcp() {
  try=1
  while :; do
    out=$(curl -q -v -sS -g --noproxy '*' --connect-timeout "$tcp_timeout" \\
      --max-time $((\${tcp_timeout%.*} + 2)) -o /dev/null "http://$1/" 2>&1)
    rc=$?
    case "$out" in
      *"Connected to "*) report "tcp $1" fail "connected directly (expected no route)"; return ;;
    esac
    # A timeout is tried once more with a fresh SYN: one lost on the way must not pass a host.
    [ "$rc:$try" = 28:1 ] || break
    try=2
  done
  case "$rc:$out" in
    28:*) report "tcp $1" ok "connect timed out twice after $tcp_timeout s (no route)" ;;
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

# One lookup with a single try: its exit code and the first word it printed.
dns_try() {
  out=$(RES_OPTIONS='timeout:1 attempts:1' getent ahosts -- "$1" 2>&1)
  rc=$?
  if [ "$rc" -eq 1 ]; then
    out=$(RES_OPTIONS='timeout:1 attempts:1' getent hosts -- "$1" 2>&1)
    rc=$?
  fi
  set -- $out
  printf '%s:%s\\n' "$rc" "$(one_line "$*")"
}

# Two lookups at once, so one lost query cannot pass a name that resolves.
probe_dns() {
  answers=$(dns_try "$1" & dns_try "$1" & wait)
  name=$1
  IFS=$nl
  set -- $answers
  IFS=' \t\n'
  for answer do
    case $answer in
      0:*) set -- \${answer#0:}; report "dns $name" fail "resolved to $1 (expected no answer)"; return ;;
    esac
  done
  for answer do
    case $answer in
      2:*) ;;
      *) report "dns $name" fail "gave an unexpected result (getent exit \${answer%%:*}: \${answer#*:})"; return ;;
    esac
  done
  [ $# -eq 2 ] || { report "dns $name" fail "gave $# results for two lookups"; return; }
  report "dns $name" ok "does not resolve"
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

proxy=
dns=
near=
tcp=
more=
take() {
  case $1 in
    wait=*) proxy_wait=\${1#wait=} ;;
    proxy=*) proxy=\${1#proxy=} ;;
    near=*) near=\${1#near=} ;;
    tcp=*) tcp="$tcp \${1#tcp=}" ;;
    dns=*) dns="$dns \${1#dns=}" ;;
    -) more=1 ;;
    *) report "argument $1" fail "is not wait=, proxy=, near=, tcp=, dns= or -"; exit 2 ;;
  esac
}
for arg do
  take "$arg"
done

# The proxy first, then every name at once (see the module comment); one status for them all.
proxy_then_dns() {
  failed=0
  if [ -n "$proxy" ]; then probe_proxy "$proxy" || failed=1; fi
  lookups=
  for dns_name in $dns; do
    probe_dns "$dns_name" &
    lookups="$lookups $!"
  done
  for pid in $lookups; do
    wait "$pid" || failed=1
  done
  return $failed
}

proxy_then_dns &
pids=$!
# Background jobs read /dev/null, so these lines reach this loop alone.
if [ -n "$more" ]; then
  while IFS= read -r arg || [ -n "$arg" ]; do
    case $arg in
      near=* | tcp=*) take "$arg" ;;
      *) report "input $arg" fail "is not near= or tcp="; wait; exit 2 ;;
    esac
  done
fi
[ -z "$near" ] || measure_timeout "$near"
for target in $tcp; do
  probe_tcp "$target" &
  pids="$pids $!"
done
result=0
for pid in $pids; do
  wait "$pid" || result=1
done
exit $result
`;
