import assert from "node:assert/strict";
import { loadBottle } from "./mod.ts";
import { manifestError, tempHome } from "./_testing.ts";
import { parseHostKey, parseSshUrl } from "./_git_gate.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
const RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAABKvN7wE=";

interface Repo {
  name?: string;
  url?: string;
  hostKey?: string;
  keyPath?: string;
}

/** A bottle with one repo; every value is a YAML double-quoted scalar (so \n is a newline). */
function bottle(repo: Repo): string {
  return "git-gate:\n  repos:\n" +
    `    ${JSON.stringify(repo.name ?? "app")}:\n` +
    `      url: ${JSON.stringify(repo.url ?? "ssh://git@h.example/app.git")}\n` +
    `      host_key: ${JSON.stringify(repo.hostKey ?? KEY)}\n` +
    `      key: {provider: static, path: ${JSON.stringify(repo.keyPath ?? "id")}}\n`;
}

const INJECTIONS = ["'", '"', " ", "\n", ";", "`", "$", "\\"];
const shown = (s: string) => JSON.stringify(s);

for (const bad of INJECTIONS) {
  Deno.test(`loadBottle() rejects ${shown(bad)} in a repo name, url, host key and key path`, async () => {
    await using t = await tempHome();
    const cases: [Repo, number, number, RegExp][] = [
      [{ name: `a${bad}b` }, 4, 5, /invalid key "a.+b" in git-gate\.repos: repo names must be/],
      [{ url: `ssh://git@h.example/a${bad}b.git` }, 5, 12, /git-gate\.repos\.app\.url must not/],
      // A space is part of the known-hosts syntax (it separates a trailing comment).
      ...(bad === " " ? [] : [
        [{ hostKey: `${KEY}${bad}x` }, 6, 17, /git-gate\.repos\.app\.host_key (must not|has)/],
      ] as [Repo, number, number, RegExp][]),
      [{ keyPath: `k${bad}x` }, 7, 37, /git-gate\.repos\.app\.key\.path must not contain/],
    ];
    for (const [repo, line, column, pattern] of cases) {
      await t.bottle("dev", bottle(repo));
      const err = await manifestError(loadBottle("dev", t.opts));
      assert.match(err.detail, pattern, JSON.stringify(repo));
      assert.deepEqual([err.line, err.column], [line, column], JSON.stringify(repo));
    }
  });
}

Deno.test("loadBottle() rejects a malicious git identity", async () => {
  await using t = await tempHome();
  for (const name of ["A\nB", "A`id`", "A$(id)", "A;B", 'A"B', "A\\B", "A#B", " A"]) {
    await t.bottle("dev", `git-gate:\n  user: {name: ${JSON.stringify(name)}}\n`);
    const err = await manifestError(loadBottle("dev", t.opts));
    assert.match(err.detail, /git-gate\.user\.name must not/, JSON.stringify(name));
    assert.deepEqual([err.line, err.column], [3, 16]);
  }
  for (const email of ["a@b;c", "a b@c", "a@b\n[core]"]) {
    await t.bottle("dev", `git-gate:\n  user: {email: ${JSON.stringify(email)}}\n`);
    const err = await manifestError(loadBottle("dev", t.opts));
    assert.match(err.detail, /git-gate\.user\.email must be a plain address/);
  }
});

Deno.test("loadBottle() rejects option-like and traversal repo names", async () => {
  await using t = await tempHome();
  for (const name of ["-oProxyCommand", "..", ".hidden"]) {
    await t.bottle("dev", bottle({ name }));
    const err = await manifestError(loadBottle("dev", t.opts));
    assert.match(err.detail, /repo names must be letters, digits/, name);
  }
});

const URLS: [string, string | undefined][] = [
  ["ssh://git@h.example/a.git", undefined],
  ["ssh://git@H.Example:2222/org/a.git", undefined],
  ["ssh://git@192.0.2.7/~/a.git", undefined],
  ["git@h.example:org/a.git", "must be an ssh:// URL"],
  ["https://h.example/a.git", "must be an ssh:// URL"],
  ["ssh://h.example/a.git", "must look like ssh://user@host[:port]/path"],
  ["ssh://git@h.example", "must look like ssh://user@host[:port]/path"],
  ["ssh://git@h.example/", 'has an invalid path "/"'],
  ["ssh://git@h.example:70000/a", "has an invalid port 70000"],
  ["ssh://git@-oProxyCommand=x/a", 'has an invalid host "-oProxyCommand=x"'],
  ["ssh://-oX@h.example/a", 'has an invalid user "-oX"'],
  ["ssh://git@h.example/a?b", 'has an invalid path "/a?b"'],
];

for (const [url, problem] of URLS) {
  Deno.test(`parseSshUrl() judges ${url}`, () => {
    const parsed = parseSshUrl(url);
    if (problem === undefined) assert.equal(parsed.problem, undefined);
    else assert.ok(parsed.problem?.includes(problem), parsed.problem);
  });
}

Deno.test("parseSshUrl() splits user, lower-cased host, port and path", () => {
  assert.deepEqual(parseSshUrl("ssh://git@H.Example:2222/org/a.git").url, {
    user: "git",
    host: "h.example",
    port: 2222,
    path: "org/a.git",
  });
  assert.equal(parseSshUrl("ssh://git@h.example/a.git").url?.port, 22);
});

const HOST_KEYS: [string, string | undefined][] = [
  [KEY, KEY],
  [RSA, RSA],
  [`h.example ${KEY}`, KEY],
  [`[h.example]:2222,192.0.2.1 ${KEY} me@laptop`, KEY],
  [`  ${KEY}  `, KEY],
  ["ssh-ed25519 AAAAEXAMPLE", undefined],
  [`ssh-rsa ${KEY.split(" ")[1]}`, undefined],
  [KEY.slice(0, 40), undefined],
  ["ssh-dss AAAAB3NzaC1kc3M=", undefined],
  [`a b ${KEY}`, undefined],
  [`${KEY} one two`, undefined],
];

for (const [line, normalized] of HOST_KEYS) {
  Deno.test(`parseHostKey() judges ${line.slice(0, 50)}`, () => {
    const parsed = parseHostKey(line);
    assert.equal(parsed.key, normalized);
    assert.equal(parsed.problem === undefined, normalized !== undefined);
  });
}
