/**
 * `install.sh` as a user runs it (SPEC §9): against a fake release on loopback, in a sandboxed
 * HOME, asserting what lands on disk and what the user reads.
 */
import assert from "node:assert/strict";
import { delimiter, join } from "node:path";
import {
  fakeBinary,
  fullRelease,
  INSTALL_SH,
  makeSandbox,
  runInstall,
  serveRelease,
  sums,
  which,
  writeScript,
} from "./_sandbox.ts";

const LINUX_X64 = "bot-bottle-x86_64-unknown-linux-gnu";
const HOME_DIRS = ["bottles", "agents", "contrib", "state", "queue", "logs"];

function mode(path: string): number {
  return (Deno.statSync(path).mode ?? 0) & 0o777;
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

Deno.test("install.sh installs the verified binary, creates the config folders and runs doctor", async () => {
  await using release = serveRelease(fullRelease());
  await using box = await makeSandbox();
  const result = await runInstall(box, { url: release.url });
  assert.equal(result.code, 0, result.stderr);

  const binary = join(box.home, ".local/bin/bot-bottle");
  assert.equal(await Deno.readTextFile(binary), fakeBinary("x86_64-unknown-linux-gnu"));
  assert.equal(mode(binary), 0o755);
  assert.deepEqual([...Deno.readDirSync(join(box.home, ".local/bin"))].map((e) => e.name), [
    "bot-bottle",
  ]);
  const bbHome = join(box.home, ".bot-bottle");
  for (const dir of HOME_DIRS) assert.ok(Deno.statSync(join(bbHome, dir)).isDirectory, dir);
  assert.equal(mode(join(bbHome, "state")), 0o700);
  assert.equal(mode(join(bbHome, "queue")), 0o700);

  assert.match(
    result.stdout,
    new RegExp(`ok: fake doctor x86_64-unknown-linux-gnu home=${bbHome}\n`),
  );
  assert.match(result.stdout, /checksum ok/);
  assert.deepEqual(release.requests, [`/download/${LINUX_X64}`, "/download/SHA256SUMS"]);
  assert.deepEqual([...Deno.readDirSync(box.tmp)], [], "the download folder is removed");
});

Deno.test("install.sh run again leaves one identical install, restores modes and upgrades", async () => {
  const files = fullRelease();
  await using box = await makeSandbox();
  const binary = join(box.home, ".local/bin/bot-bottle");
  {
    await using release = serveRelease(files);
    assert.equal((await runInstall(box, { url: release.url })).code, 0);
    await Deno.chmod(join(box.home, ".bot-bottle/state"), 0o755);
    const again = await runInstall(box, { url: release.url });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /bot-bottle is already this version/);
    assert.equal(await Deno.readTextFile(binary), files[LINUX_X64]);
    assert.equal(mode(join(box.home, ".bot-bottle/state")), 0o700);
  }
  const next = { [LINUX_X64]: fakeBinary("v2") };
  await using upgrade = serveRelease({ ...next, SHA256SUMS: sums(next) });
  const result = await runInstall(box, { url: `${upgrade.url}/` });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /installed .*\/bot-bottle\n/);
  assert.match(result.stdout, /ok: fake doctor v2/);
  assert.equal(await Deno.readTextFile(binary), next[LINUX_X64]);
  assert.equal(mode(binary), 0o755);
});

Deno.test("install.sh honours BOT_BOTTLE_INSTALL_DIR and BOT_BOTTLE_HOME", async () => {
  await using release = serveRelease(fullRelease());
  await using box = await makeSandbox();
  const installDir = join(box.root, "opt/bin");
  const bbHome = join(box.root, "bb");
  const result = await runInstall(box, {
    url: release.url,
    env: { BOT_BOTTLE_INSTALL_DIR: installDir, BOT_BOTTLE_HOME: bbHome },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(mode(join(installDir, "bot-bottle")), 0o755);
  for (const dir of HOME_DIRS) assert.ok(exists(join(bbHome, dir)), dir);
  assert.match(result.stdout, new RegExp(`home=${bbHome}\n`));
  assert.deepEqual([...Deno.readDirSync(box.home)], [], "HOME is untouched");
});

Deno.test("install.sh errors when HOME is empty and no folders are given", async () => {
  await using release = serveRelease(fullRelease());
  await using box = await makeSandbox();
  const result = await runInstall(box, { url: release.url, env: { HOME: "" } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /error: HOME is not set; set BOT_BOTTLE_INSTALL_DIR and/);
  assert.deepEqual(release.requests, []);
});

Deno.test("install.sh maps the OS and architecture to the release target", async () => {
  await using release = serveRelease(fullRelease());
  const cases: Array<[string, string, boolean, string]> = [
    ["Linux", "x86_64", false, "x86_64-unknown-linux-gnu"],
    ["Linux", "amd64", false, "x86_64-unknown-linux-gnu"],
    ["Linux", "aarch64", false, "aarch64-unknown-linux-gnu"],
    ["Linux", "arm64", false, "aarch64-unknown-linux-gnu"],
    ["Darwin", "x86_64", false, "x86_64-apple-darwin"],
    ["Darwin", "arm64", false, "aarch64-apple-darwin"],
    ["Darwin", "x86_64", true, "aarch64-apple-darwin"], // Rosetta 2 shell on Apple silicon
  ];
  for (const [os, arch, translated, target] of cases) {
    await using box = await makeSandbox(os, arch, { translated });
    const label = `${os} ${arch}${translated ? " (Rosetta)" : ""}`;
    const result = await runInstall(box, { url: release.url });
    assert.equal(result.code, 0, `${label}: ${result.stderr}`);
    assert.match(result.stdout, new RegExp(`ok: fake doctor ${target} `), label);
    assert.ok(release.requests.includes(`/download/bot-bottle-${target}`), label);
  }
});

Deno.test("install.sh rejects an unsupported OS or architecture before downloading", async () => {
  await using release = serveRelease(fullRelease());
  const cases: Array<[string, string, RegExp]> = [
    ["Linux", "riscv64", /error: unsupported architecture "riscv64" \(bot-bottle runs on x86_64/],
    ["Linux", "i686", /error: unsupported architecture "i686"/],
    ["FreeBSD", "amd64", /error: unsupported operating system "FreeBSD" \(bot-bottle runs on/],
    ["MINGW64_NT-10.0", "x86_64", /error: unsupported operating system "MINGW64_NT-10.0"/],
  ];
  for (const [os, arch, message] of cases) {
    await using box = await makeSandbox(os, arch);
    const result = await runInstall(box, { url: release.url });
    assert.equal(result.code, 1, `${os} ${arch}`);
    assert.match(result.stderr, message);
    assert.ok(!exists(join(box.home, ".local")) && !exists(join(box.home, ".bot-bottle")));
  }
  assert.deepEqual(release.requests, []);
});

Deno.test("install.sh keeps the install when doctor fails and shows its output", async () => {
  const files = {
    [LINUX_X64]: fakeBinary("x", 'echo "fail: docker: daemon not reachable"; exit 3'),
  };
  await using release = serveRelease({ ...files, SHA256SUMS: sums(files) });
  await using box = await makeSandbox();
  const result = await runInstall(box, { url: release.url });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /fail: docker: daemon not reachable\n/);
  assert.match(result.stderr, /warning: bot-bottle doctor found problems \(exit 3\)/);
  assert.match(result.stderr, /then run: bot-bottle doctor/);
  assert.equal(mode(join(box.home, ".local/bin/bot-bottle")), 0o755);
});

Deno.test("install.sh warns when the install folder is not on PATH or is shadowed", async () => {
  await using release = serveRelease(fullRelease());
  await using box = await makeSandbox();
  const installDir = join(box.home, ".local/bin");
  const hostPath = Deno.env.get("PATH") ?? "";

  const off = await runInstall(box, { url: release.url });
  assert.match(off.stderr, new RegExp(`warning: ${installDir} is not on your PATH`));
  assert.ok(off.stderr.includes(`  export PATH="${installDir}:$PATH"\n`), off.stderr);

  const on = await runInstall(box, {
    url: release.url,
    path: `${installDir}${delimiter}${hostPath}`,
  });
  assert.equal(on.stderr, "");

  const other = join(box.root, "other");
  await Deno.mkdir(other);
  await writeScript(join(other, "bot-bottle"), "exit 0");
  const shadowed = await runInstall(box, {
    url: release.url,
    path: `${other}${delimiter}${installDir}${delimiter}${hostPath}`,
  });
  assert.match(
    shadowed.stderr,
    new RegExp(`another bot-bottle comes first on your PATH: ${other}/`),
  );
});

Deno.test("install.sh works piped into sh, as in `curl -fsSL …/install.sh | sh`", async () => {
  await using release = serveRelease(fullRelease());
  await using box = await makeSandbox();
  const result = await runInstall(box, { url: release.url, piped: true });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /ok: fake doctor x86_64-unknown-linux-gnu/);
  assert.match(result.stdout, /done\n$/);
});

Deno.test("install.sh runs under every POSIX shell on this machine", async () => {
  await using release = serveRelease(fullRelease());
  const shells = [["dash"], ["bash", "--posix"], ["busybox", "sh"], ["ksh"], [
    "zsh",
    "--emulate",
    "sh",
  ]]
    .filter(([name]) => which(name!) !== undefined);
  assert.ok(shells.length > 0);
  for (const [name, ...args] of shells) {
    await using box = await makeSandbox();
    const result = await runInstall(box, { url: release.url, shell: [which(name!)!, ...args] });
    assert.equal(result.code, 0, `${name}: ${result.stderr}`);
    assert.ok(exists(join(box.home, ".local/bin/bot-bottle")), name);
  }
});

Deno.test({
  name: "install.sh is shellcheck-clean",
  ignore: which("shellcheck") === undefined,
  fn: async () => {
    const out = await new Deno.Command("shellcheck", { args: ["-s", "sh", INSTALL_SH] }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stdout));
  },
});
