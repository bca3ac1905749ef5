/**
 * The CA install script run for real, as root in throwaway containers of the offline test image,
 * against what Debian's own `update-ca-certificates` makes of the same CA.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import { CA_INSTALL_SCRIPT } from "./_ca_install.ts";

/** The offline image the e2e suite builds (tests/e2e/images/build.sh). */
const TEST_IMAGE = "bot-bottle-test/debian:bookworm";

interface DockerRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function docker(args: string[]): Promise<DockerRun> {
  const out = await new Deno.Command("docker", { args, stdin: "null" }).output().catch(() => ({
    code: 127,
    stdout: new Uint8Array(),
    stderr: new Uint8Array(),
  }));
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

const ignore = (await docker(["image", "inspect", TEST_IMAGE])).code !== 0;

/** A digest of the whole trust store: every path and link target, and the bundle's bytes. */
const STORE = "find /etc/ssl/certs /usr/local/share/ca-certificates -printf '%p %l\\n' | sort |" +
  " sha256sum; sha256sum < /etc/ssl/certs/ca-certificates.crt";

/**
 * Run `setup`, then `install` (the script is `$1`), then print the store's digest, whether the
 * CA verifies through the hashed folder, and how many times the bundle holds it.
 */
async function inContainer(ca: string, setup: string, install: string): Promise<DockerRun> {
  const outer = `set -e; ${setup}; ${install}; ${STORE}; ` +
    "openssl verify -CApath /etc/ssl/certs /ca.pem; " +
    'grep -cxF "$(sed -n 2p /ca.pem)" /etc/ssl/certs/ca-certificates.crt';
  const run = await docker([
    "run",
    "--rm",
    "--label",
    "bot-bottle-test=1",
    "--runtime",
    "runc",
    "--network",
    "none",
    "-u",
    "root",
    "-v",
    `${ca}:/ca.pem:ro`,
    TEST_IMAGE,
    "sh",
    "-c",
    outer,
    "sh",
    CA_INSTALL_SCRIPT,
  ]);
  return run;
}

async function tempCa(): Promise<{ ca: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "bb-ca-install-" });
  const ca = await loadOrCreateCa(join(dir, "ca"));
  await Deno.writeTextFile(join(dir, "ca.pem"), ca.certPem);
  await Deno.chmod(dir, 0o755);
  return {
    ca: join(dir, "ca.pem"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

const FAST = 'sh -c "$1" sh /ca.pem';

Deno.test({
  name: "CA_INSTALL_SCRIPT leaves the same trust store as update-ca-certificates, run twice",
  ignore,
  async fn() {
    await using dir = await tempCa();
    const debian = await inContainer(
      dir.ca,
      "cp /ca.pem /usr/local/share/ca-certificates/bot-bottle.crt",
      "update-ca-certificates >/dev/null 2>&1",
    );
    const ours = await inContainer(dir.ca, "true", `${FAST}; ${FAST}`);
    assert.equal(ours.code, 0, ours.stderr);
    assert.match(ours.stdout, /\/ca\.pem: OK\n1\n$/, "trusted through the hashed links, once");
    assert.equal(ours.stdout, debian.stdout);
  },
});

Deno.test({
  name: "CA_INSTALL_SCRIPT leaves the store to update-ca-certificates when a hook waits for it",
  ignore,
  async fn() {
    await using dir = await tempCa();
    const hook = "printf '#!/bin/sh\\ntouch /hook-ran\\n' > /etc/ca-certificates/update.d/t" +
      " && chmod +x /etc/ca-certificates/update.d/t";
    const run = await inContainer(dir.ca, hook, `${FAST} && test -e /hook-ran`);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\/ca\.pem: OK\n1\n$/);
  },
});

Deno.test({
  name: "CA_INSTALL_SCRIPT fails when the image has neither the store nor update-ca-certificates",
  ignore,
  async fn() {
    await using dir = await tempCa();
    const run = await inContainer(
      dir.ca,
      "rm /etc/ssl/certs/ca-certificates.crt /usr/sbin/update-ca-certificates",
      FAST,
    );
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /update-ca-certificates: not found/);
  },
});
