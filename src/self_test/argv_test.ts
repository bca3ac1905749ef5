import assert from "node:assert/strict";
import { selfTestArgv, selfTestStdin } from "./mod.ts";

const PROXY = { proxyUrl: "http://bot-bottle-sidecar:9099" };

Deno.test("selfTestArgv() passes the targets as tagged positional arguments after the script", () => {
  const argv = selfTestArgv(
    { tcp: ["203.0.113.5:443", "[2001:db8::1]:443"], dns: ["example.com"] },
    PROXY,
  );
  assert.deepEqual(argv.slice(0, 2), ["sh", "-c"]);
  assert.deepEqual(argv.slice(3), [
    "bot-bottle-self-test",
    "proxy=http://bot-bottle-sidecar:9099",
    "dns=example.com",
    "near=bot-bottle-sidecar:9",
    "tcp=203.0.113.5:443",
    "tcp=[2001:db8::1]:443",
  ]);
});

Deno.test("selfTestArgv() never puts a target into the script text", () => {
  const a = selfTestArgv({ tcp: ["203.0.113.5:443"], dns: ["example.com"] }, PROXY);
  const b = selfTestArgv({ tcp: ["198.51.100.7:22"], dns: ["leak.example"] }, {
    proxyUrl: "http://10.0.0.2:9099",
  });
  assert.equal(a[2], b[2]);
  assert.ok(!a[2]?.includes("203.0.113.5"));
});

Deno.test("selfTestArgv() emits a script that POSIX sh parses", async () => {
  const [, , script] = selfTestArgv({ tcp: [], dns: [] }, PROXY);
  const out = await new Deno.Command("sh", { args: ["-n", "-c", script ?? ""], stderr: "piped" })
    .output();
  assert.equal(new TextDecoder().decode(out.stderr), "");
  assert.equal(out.code, 0);
});

const MALFORMED: [string, Parameters<typeof selfTestArgv>, RegExp][] = [
  [
    "a TCP target with shell text",
    [{ tcp: ["1.2.3.4:80; rm -rf /"], dns: [] }, PROXY],
    /Self-test TCP target "1\.2\.3\.4:80; rm -rf \/" is not ADDR:PORT/,
  ],
  ["a TCP target without a port", [{ tcp: ["1.2.3.4"], dns: [] }, PROXY], /is not ADDR:PORT/],
  ["a host name as TCP target", [{ tcp: ["evil.com:443"], dns: [] }, PROXY], /is not ADDR:PORT/],
  [
    "a name that looks like an option",
    [{ tcp: [], dns: ["-s"] }, PROXY],
    /Self-test name "-s" is not a DNS name/,
  ],
  ["a name with a command", [{ tcp: [], dns: ["$(id)"] }, PROXY], /is not a DNS name/],
  [
    "a proxy that is not http",
    [{ tcp: [], dns: [] }, { proxyUrl: "socks5://sidecar:1080" }],
    /Self-test proxy "socks5:\/\/sidecar:1080" is not an http\(s\) URL/,
  ],
  ["a proxy that is not a URL", [{ tcp: [], dns: [] }, { proxyUrl: "sidecar" }], /not an http/],
];
for (const [what, args, message] of MALFORMED) {
  Deno.test(`selfTestArgv() rejects ${what}`, () => {
    assert.throws(() => selfTestArgv(...args), (err: unknown) => {
      assert.ok(err instanceof TypeError);
      assert.match(err.message, message);
      return true;
    });
  });
}

Deno.test("selfTestArgv() with tcpOnStdin ends at '-', and selfTestStdin() gives the rest a line each", () => {
  const argv = selfTestArgv({ tcp: [], dns: ["example.com"] }, { ...PROXY, tcpOnStdin: true });
  assert.deepEqual(argv.slice(3), [
    "bot-bottle-self-test",
    "proxy=http://bot-bottle-sidecar:9099",
    "dns=example.com",
    "-",
  ]);
  assert.equal(
    selfTestStdin(["203.0.113.5:443", "[2001:db8::1]:443"], PROXY),
    "near=bot-bottle-sidecar:9\ntcp=203.0.113.5:443\ntcp=[2001:db8::1]:443\n",
  );
});

Deno.test("selfTestArgv() and selfTestStdin() refuse TCP targets that would go astray", () => {
  assert.throws(
    () => selfTestArgv({ tcp: ["203.0.113.5:443"], dns: [] }, { ...PROXY, tcpOnStdin: true }),
    /Self-test TCP targets go to standard input when tcpOnStdin is set/,
  );
  assert.throws(
    () => selfTestStdin(["203.0.113.5:443\ntcp=1.2.3.4:80"], PROXY),
    /is not ADDR:PORT/,
  );
  assert.throws(() => selfTestStdin([], { proxyUrl: "sidecar" }), /not an http/);
});
