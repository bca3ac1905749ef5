/**
 * `install.sh` fails closed (SPEC §1.1, §9): a download it cannot verify installs nothing, and an
 * existing install survives a bad upgrade.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  fakeBinary,
  linkPrograms,
  makeSandbox,
  runInstall,
  type Sandbox,
  serveRelease,
  sha256,
  sums,
  which,
} from "./_sandbox.ts";

const NAME = "bot-bottle-x86_64-unknown-linux-gnu";
const GOOD = { [NAME]: fakeBinary("good") };
const EVIL = fakeBinary("evil", "echo pwned");
// Everything install.sh runs besides the downloader and the hasher (uname/sysctl are the probe).
const BASE_PROGRAMS = ["mktemp", "rm", "mkdir", "chmod", "cp", "mv", "awk"];

function nothingInstalled(box: Sandbox): void {
  for (const path of [".local", ".bot-bottle"]) {
    assert.throws(() => Deno.lstatSync(join(box.home, path)), Deno.errors.NotFound, path);
  }
  assert.deepEqual([...Deno.readDirSync(box.tmp)], [], "the download folder is removed");
}

Deno.test("install.sh refuses a binary whose checksum does not match", async () => {
  await using release = serveRelease({ [NAME]: EVIL, SHA256SUMS: sums(GOOD) });
  await using box = await makeSandbox();
  const result = await runInstall(box, { url: release.url });
  assert.equal(result.code, 1);
  assert.ok(
    result.stderr.includes(
      `error: checksum mismatch for ${NAME}: expected ${sha256(GOOD[NAME])}, got ${
        sha256(EVIL)
      }; ` +
        "nothing was installed\n",
    ),
    result.stderr,
  );
  assert.doesNotMatch(result.stdout, /fake doctor|pwned/);
  nothingInstalled(box);
});

Deno.test("install.sh keeps the installed binary when an upgrade fails verification", async () => {
  await using box = await makeSandbox();
  const binary = join(box.home, ".local/bin/bot-bottle");
  {
    await using good = serveRelease({ ...GOOD, SHA256SUMS: sums(GOOD) });
    assert.equal((await runInstall(box, { url: good.url })).code, 0);
  }
  await using bad = serveRelease({ [NAME]: EVIL, SHA256SUMS: sums(GOOD) });
  const result = await runInstall(box, { url: bad.url });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /checksum mismatch/);
  assert.equal(await Deno.readTextFile(binary), GOOD[NAME]);
  assert.deepEqual([...Deno.readDirSync(join(box.home, ".local/bin"))].map((e) => e.name), [
    "bot-bottle",
  ]);
});

Deno.test("install.sh refuses when SHA256SUMS has no line for this target", async () => {
  const cases: Array<[string, string]> = [
    ["other targets only", sums({ "bot-bottle-aarch64-apple-darwin": GOOD[NAME] })],
    ["a longer name that ends the same", `${sha256(GOOD[NAME])}  x-${NAME}\n`],
    ["empty", ""],
  ];
  for (const [label, sumsText] of cases) {
    await using release = serveRelease({ ...GOOD, SHA256SUMS: sumsText });
    await using box = await makeSandbox();
    const result = await runInstall(box, { url: release.url });
    assert.equal(result.code, 1, label);
    assert.match(
      result.stderr,
      new RegExp(`error: SHA256SUMS has no line for ${NAME}, so it cannot be verified`),
      label,
    );
    nothingInstalled(box);
  }
});

Deno.test("install.sh accepts a binary-mode SHA256SUMS line", async () => {
  await using release = serveRelease({ ...GOOD, SHA256SUMS: `${sha256(GOOD[NAME])} *${NAME}\n` });
  await using box = await makeSandbox();
  const result = await runInstall(box, { url: release.url });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /ok: fake doctor good/);
});

Deno.test("install.sh fails when a release file cannot be downloaded", async () => {
  for (const missing of [NAME, "SHA256SUMS"]) {
    const files: Record<string, string> = { ...GOOD, SHA256SUMS: sums(GOOD) };
    delete files[missing];
    await using release = serveRelease(files);
    await using box = await makeSandbox();
    const result = await runInstall(box, { url: release.url });
    assert.equal(result.code, 1, missing);
    assert.ok(
      result.stderr.includes(`error: cannot download ${release.url}/${missing}\n`),
      result.stderr,
    );
    nothingInstalled(box);
  }
});

Deno.test("install.sh fails closed without sha256sum or shasum", async () => {
  await using release = serveRelease({ ...GOOD, SHA256SUMS: sums(GOOD) });
  await using box = await makeSandbox();
  const bin = join(box.root, "bin");
  await linkPrograms(bin, [...BASE_PROGRAMS, "curl"]);
  const result = await runInstall(box, { url: release.url, path: bin });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /error: neither sha256sum nor shasum is installed, so the download cannot be verified; nothing was installed\n/,
  );
  nothingInstalled(box);
});

Deno.test("install.sh verifies with shasum when sha256sum is missing", {
  ignore: which("shasum") === undefined,
}, async () => {
  await using release = serveRelease({ [NAME]: EVIL, SHA256SUMS: sums(GOOD) });
  await using box = await makeSandbox();
  const bin = join(box.root, "bin");
  await linkPrograms(bin, [...BASE_PROGRAMS, "curl", "shasum", "perl"]);
  const bad = await runInstall(box, { url: release.url, path: bin });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, new RegExp(`got ${sha256(EVIL)}; nothing was installed`));
  await using good = serveRelease({ ...GOOD, SHA256SUMS: sums(GOOD) });
  const ok = await runInstall(box, { url: good.url, path: bin });
  assert.equal(ok.code, 0, ok.stderr);
});

Deno.test("install.sh downloads with wget when curl is missing", {
  ignore: which("wget") === undefined,
}, async () => {
  await using release = serveRelease({ ...GOOD, SHA256SUMS: sums(GOOD) });
  await using box = await makeSandbox();
  const bin = join(box.root, "bin");
  await linkPrograms(bin, [...BASE_PROGRAMS, "wget", "sha256sum", "shasum"]);
  const result = await runInstall(box, { url: release.url, path: bin });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /ok: fake doctor good/);
  assert.deepEqual(release.requests, [`/download/${NAME}`, "/download/SHA256SUMS"]);
});

Deno.test("install.sh errors without curl or wget", async () => {
  await using release = serveRelease({ ...GOOD, SHA256SUMS: sums(GOOD) });
  await using box = await makeSandbox();
  const bin = join(box.root, "bin");
  await linkPrograms(bin, [...BASE_PROGRAMS, "sha256sum"]);
  const result = await runInstall(box, { url: release.url, path: bin });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /error: neither curl nor wget is installed; install one and run/);
  assert.deepEqual(release.requests, []);
  nothingInstalled(box);
});
