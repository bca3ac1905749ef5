import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors/mod.ts";
import { assertWithinParent, type DaemonPermissions, permissionFlags } from "./_permissions.ts";

const PERMS: DaemonPermissions = {
  read: ["/state/egress/routes.yaml", "/state/egress/ca"],
  write: ["/state/egress/ca"],
  net: true,
  env: true,
  sys: ["networkInterfaces"],
  run: [],
};

Deno.test("permissionFlags() lists each grant once and never allows everything", () => {
  assert.deepEqual(permissionFlags(PERMS), [
    "--no-prompt",
    "--allow-read=/state/egress/routes.yaml,/state/egress/ca",
    "--allow-write=/state/egress/ca",
    "--allow-net",
    "--allow-env",
    "--allow-sys=networkInterfaces",
  ]);
  const none = { read: [], write: [], net: false, env: false, sys: [], run: [] };
  assert.deepEqual(permissionFlags(none), ["--no-prompt"]);
  assert.deepEqual(permissionFlags({ ...none, run: ["git"] }), ["--no-prompt", "--allow-run=git"]);
});

Deno.test("permissionFlags() refuses a path with a comma (it would widen the list)", () => {
  assert.throws(() => permissionFlags({ ...PERMS, read: ["/state/a,/etc"] }), {
    name: "ConfigError",
    message: 'Cannot pass "/state/a,/etc" to --allow-read: a comma would split the list',
  });
});

Deno.test("assertWithinParent() accepts grants the init process holds", () => {
  const asked: Deno.PermissionDescriptor[] = [];
  assertWithinParent("egress", PERMS, {
    query: (descriptor) => {
      asked.push(descriptor);
      return "granted";
    },
  });
  assert.deepEqual(asked, [
    { name: "read", path: "/state/egress/routes.yaml" },
    { name: "read", path: "/state/egress/ca" },
    { name: "write", path: "/state/egress/ca" },
    { name: "net" },
    { name: "env" },
    { name: "sys", kind: "networkInterfaces" },
  ]);
});

Deno.test("assertWithinParent() refuses to widen the init process's permissions", () => {
  const cases: [Deno.PermissionDescriptor["name"], string][] = [
    ["read", 'read access to "/state/egress/routes.yaml"'],
    ["write", 'write access to "/state/egress/ca"'],
    ["net", "network access"],
    ["env", "environment access"],
    ["sys", 'sys access to "networkInterfaces"'],
    ["run", 'permission to run "git"'],
  ];
  for (const [denied, what] of cases) {
    assert.throws(
      () =>
        assertWithinParent("egress", { ...PERMS, run: ["git"] }, {
          query: (d) => d.name === denied ? "prompt" : "granted",
        }),
      (err) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(
          err.message,
          `Cannot start daemon "egress": it needs ${what}, which the sidecar process itself lacks (grant it in the sidecar's permission set)`,
        );
        return true;
      },
    );
  }
});
