/**
 * The shell text that puts the bottle CA in the agent's system trust store, run as root.
 *
 * Why not just `update-ca-certificates`: Debian's rebuilds the whole store, four processes per
 * known CA (about 560 for 140 CAs). That measured 3.3 s under runc and 23 s under gVisor's
 * ptrace platform, where every process start is a trap: most of a bottle's start. Adding one CA
 * to a store that already exists needs only what that script does for a new certificate: the
 * file under `/usr/local/share/ca-certificates` (so any later run keeps it), its `.pem` link in
 * `/etc/ssl/certs`, the certificate appended to the bundle with a trailing newline, and its
 * hashed link (`<subject hash>.0 -> bot-bottle.pem`, what `openssl rehash` adds; a rehash of all
 * 140 CAs cost about 0.3 s under gVisor, so it runs only when another CA holds the hash). The
 * result is the same store, byte for byte.
 *
 * That shortcut is taken only for the Debian layout it was measured on: the bundle and the
 * folders exist, `openssl` runs, and no `update.d` hook (Java's keystore, Mono's) waits to be
 * told. Anything else runs the image's own `update-ca-certificates`. A bundle that already holds
 * the CA (a resumed, committed image) is not appended to twice.
 */
export const CA_INSTALL_SCRIPT = `set -e
src=$1
crt=/usr/local/share/ca-certificates/bot-bottle.crt
certs=/etc/ssl/certs
bundle=$certs/ca-certificates.crt
hooks=/etc/ca-certificates/update.d
if [ -f "$bundle" ] && [ -d /usr/local/share/ca-certificates ] &&
  command -v openssl >/dev/null 2>&1 &&
  { [ ! -d "$hooks" ] || [ -z "$(ls -A "$hooks")" ]; }; then
  cp "$src" "$crt"
  ln -sf "$crt" "$certs/bot-bottle.pem"
  if ! grep -qxF "$(sed -n 2p "$crt")" "$bundle"; then
    sed -e '$a\\' "$crt" >> "$bundle"
  fi
  # The one hashed link rehash would add; a hash another CA holds is left to rehash to number.
  link=$certs/$(openssl x509 -hash -noout -in "$crt").0
  if [ ! -e "$link" ] && [ ! -L "$link" ]; then
    ln -s bot-bottle.pem "$link"
  elif [ "$(readlink "$link")" != bot-bottle.pem ]; then
    openssl rehash "$certs" 2>/dev/null || openssl rehash "$certs"
  fi
else
  cp "$src" "$crt"
  update-ca-certificates >/dev/null
fi
`;
