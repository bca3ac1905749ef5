# Sourced by the scripts in this folder: puts Deno 2.9.x on PATH, installing it from npm when
# missing (JSR and deno.land are unreachable on our machines; the npm package ships the binary).
DENO_VERSION="$(cat "$(dirname "${BASH_SOURCE[0]}")/../.deno-version")"
if ! command -v deno >/dev/null 2>&1 || ! deno --version 2>/dev/null | grep -q "^deno ${DENO_VERSION%.*}\."; then
  echo "installing deno ${DENO_VERSION} from npm..." >&2
  npm install --global --silent "deno@${DENO_VERSION}" >&2
  hash -r
fi
# Deno trusts only its own copy of Mozilla's roots unless told otherwise; behind a TLS-inspecting
# proxy (whose CA is in the machine's trust store) its npm downloads would then fail.
export DENO_TLS_CA_STORE="${DENO_TLS_CA_STORE:-system,mozilla}"
