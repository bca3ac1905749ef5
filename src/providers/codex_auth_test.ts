import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";
import { codexAuthPath, readCodexHostAuth } from "./codex_auth.ts";

const NOW = new Date("2026-12-01T00:00:00Z");
const EXP = Date.parse("2026-12-08T00:00:00Z") / 1000;
const SECRET_EMAIL = "alice.secret@example.com";
const SECRET_SUB = "auth0|secret-subject-8d1f";
const REFRESH = "rt_Zq9vX2kP7wL4mN8bR3tY5hJ1cW6dF0";

function b64url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function unb64url(segment: string): unknown {
  return JSON.parse(atob(segment.replaceAll("-", "+").replaceAll("_", "/")));
}

/** A signed-looking fixture JWT with a random signature. */
function jwt(payload: Record<string, unknown>): string {
  const sig = crypto.getRandomValues(new Uint8Array(32)).reduce(
    (s, b) => s + String.fromCharCode(b),
    "",
  );
  const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "key-1" }));
  return `${header}.${b64url(JSON.stringify(payload))}.${b64url(sig)}`;
}

function claims(exp: unknown = EXP): Record<string, unknown> {
  return {
    exp,
    iat: EXP - 864000,
    nbf: "not-a-number",
    auth_time: EXP - 900000,
    email: SECRET_EMAIL,
    email_verified: false,
    aud: ["https://api.openai.com/v1"],
    scp: ["openid", "profile"],
    sub: SECRET_SUB,
    session_secret: "sess-secret-value-1234",
    "https://api.openai.com/auth": {
      chatgpt_plan_type: "plus",
      chatgpt_account_id: "acc-123",
      chatgpt_user_id: "user-x",
      localhost: true,
      organizations: [{ id: "org-secret", title: "Secret Org" }],
      session_token: "st-secret-value-5678",
    },
    "https://api.openai.com/profile": { email: SECRET_EMAIL, email_verified: true },
  };
}

function hostAuth(access = jwt(claims()), id = jwt(claims())): Record<string, unknown> {
  return {
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: { id_token: id, access_token: access, refresh_token: REFRESH, account_id: "acc-123" },
    last_refresh: "2026-11-30T10:00:00Z",
  };
}

interface TempCodexHome extends AsyncDisposable {
  env: { CODEX_HOME: string };
  path: string;
}

/** A temp CODEX_HOME holding `content` as auth.json (a string as is, else JSON); removed on dispose. */
async function codexHome(content?: unknown): Promise<TempCodexHome> {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "auth.json");
  if (content !== undefined) {
    await Deno.writeTextFile(path, typeof content === "string" ? content : JSON.stringify(content));
  }
  return {
    env: { CODEX_HOME: dir },
    path,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

async function rejection(env: Record<string, string>, now = NOW): Promise<ConfigError> {
  const err = await readCodexHostAuth(env, now).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
  assert.ok(err.message.startsWith("codex host credentials: "), err.message);
  return err;
}

Deno.test("codexAuthPath() prefers CODEX_HOME, expands ~/ and falls back to HOME", () => {
  const rows: [Record<string, string | undefined>, string][] = [
    [{ CODEX_HOME: "/opt/codex", HOME: "/home/u" }, "/opt/codex/auth.json"],
    [{ CODEX_HOME: "~/alt-codex", HOME: "/home/u" }, "/home/u/alt-codex/auth.json"],
    [{ CODEX_HOME: "~", HOME: "/home/u" }, "/home/u/auth.json"],
    [{ HOME: "/home/u" }, "/home/u/.codex/auth.json"],
    [{ CODEX_HOME: "", HOME: "/home/u" }, "/home/u/.codex/auth.json"],
    [{ CODEX_HOME: undefined, HOME: "/home/u" }, "/home/u/.codex/auth.json"],
  ];
  for (const [env, want] of rows) assert.equal(codexAuthPath(env), want, JSON.stringify(env));
});

Deno.test("codexAuthPath() throws ConfigError when neither CODEX_HOME nor HOME locates it", () => {
  for (const env of [{}, { CODEX_HOME: "~/codex" }, { CODEX_HOME: "", HOME: "" }]) {
    assert.throws(() => codexAuthPath(env), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^codex host credentials: .*(HOME|CODEX_HOME)/);
      return true;
    });
  }
});

Deno.test("readCodexHostAuth() reads $HOME/.codex/auth.json without CODEX_HOME", async () => {
  const home = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(home, ".codex"));
    const access = jwt(claims());
    await Deno.writeTextFile(join(home, ".codex", "auth.json"), JSON.stringify(hostAuth(access)));
    const auth = await readCodexHostAuth({ HOME: home }, NOW);
    assert.equal(auth.path, join(home, ".codex", "auth.json"));
    assert.equal(auth.accessToken, access);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("readCodexHostAuth() reads CODEX_HOME over HOME", async () => {
  const access = jwt(claims());
  await using home = await codexHome(hostAuth(access));
  const auth = await readCodexHostAuth({ ...home.env, HOME: "/nonexistent-home" }, NOW);
  assert.equal(auth.path, home.path);
  assert.equal(auth.accessToken, access);
});

Deno.test("readCodexHostAuth() returns the token, its expiry and a secret-free dummy", async () => {
  const access = jwt(claims());
  const id = jwt(claims());
  await using home = await codexHome({ ...hostAuth(access, id), extra: "x", n: { a: 1 } });
  const auth = await readCodexHostAuth(home.env, NOW);

  assert.equal(auth.accessToken, access);
  assert.equal(auth.path, home.path);
  assert.equal(auth.expiresAt.toISOString(), "2026-12-08T00:00:00.000Z");
  assert.ok(auth.dummyAuthJson.endsWith("}\n"));
  assert.ok(auth.dummyAuthJson.includes('\n  "auth_mode": "chatgpt",\n'));

  const dummy = JSON.parse(auth.dummyAuthJson);
  assert.deepEqual(Object.keys(dummy), [
    "OPENAI_API_KEY",
    "auth_mode",
    "extra",
    "last_refresh",
    "n",
    "tokens",
  ]);
  assert.equal(dummy.auth_mode, "chatgpt");
  assert.equal(dummy.OPENAI_API_KEY, null);
  assert.equal(dummy.last_refresh, NOW.toISOString());
  assert.equal(dummy.extra, "bot-bottle-placeholder");
  assert.deepEqual(dummy.n, {});
  assert.equal(dummy.tokens.account_id, "acc-123");
  assert.equal(dummy.tokens.refresh_token, "bot-bottle-placeholder");

  for (const token of [dummy.tokens.access_token, dummy.tokens.id_token]) {
    const [header, payload, sig] = token.split(".");
    assert.deepEqual(unb64url(header), { alg: "none", typ: "JWT" });
    assert.equal(sig, "placeholder");
    assert.deepEqual(unb64url(payload), {
      exp: EXP,
      iat: EXP - 864000,
      nbf: 0,
      auth_time: EXP - 900000,
      email: "bot-bottle@example.invalid",
      email_verified: true,
      aud: ["https://api.openai.com/v1"],
      scp: ["openid", "profile"],
      sub: "bot-bottle-placeholder",
      session_secret: "bot-bottle-placeholder",
      "https://api.openai.com/auth": {
        chatgpt_plan_type: "plus",
        chatgpt_account_id: "acc-123",
        chatgpt_user_id: "user-x",
        localhost: true,
      },
      "https://api.openai.com/profile": {
        email: "bot-bottle@example.invalid",
        email_verified: true,
      },
    });
  }
});

Deno.test("readCodexHostAuth() dummy holds no piece of any real token or secret claim", async () => {
  const access = jwt(claims());
  const id = jwt(claims());
  await using home = await codexHome(hostAuth(access, id));
  const { dummyAuthJson } = await readCodexHostAuth(home.env, NOW);
  const decoded = JSON.parse(dummyAuthJson);
  const payloads = [decoded.tokens.access_token, decoded.tokens.id_token]
    .map((t: string) => JSON.stringify(unb64url(t.split(".")[1] ?? "")));
  const haystacks = [dummyAuthJson, ...payloads];
  const secrets = [access, id, REFRESH, access.split(".")[1], id.split(".")[1]];
  for (const sig of [access.split(".")[2] ?? "", id.split(".")[2] ?? "", REFRESH]) {
    for (let i = 0; i + 8 <= sig.length; i++) secrets.push(sig.slice(i, i + 8));
  }
  secrets.push(SECRET_EMAIL, SECRET_SUB, "sess-secret", "st-secret", "org-secret", "Secret Org");
  for (const secret of secrets) {
    for (const hay of haystacks) assert.ok(!hay.includes(secret ?? "?"), `leaked ${secret}`);
  }
});

Deno.test("readCodexHostAuth() dummy falls back to a bare payload when id_token is opaque", async () => {
  const host = hostAuth();
  host.tokens = { ...host.tokens as object, id_token: "opaque-id-token", extra: null, ok: true };
  await using home = await codexHome(host);
  const dummy = JSON.parse((await readCodexHostAuth(home.env, NOW)).dummyAuthJson);
  const payload = unb64url(dummy.tokens.id_token.split(".")[1]);
  assert.deepEqual(payload, { sub: "bot-bottle-placeholder", exp: EXP });
  assert.equal(dummy.tokens.extra, null);
  assert.equal(dummy.tokens.ok, true);
  assert.ok(!JSON.stringify(dummy).includes("opaque-id-token"));
});

Deno.test("readCodexHostAuth() rejects a missing file, naming it and `codex login`", async () => {
  await using home = await codexHome();
  const err = await rejection(home.env);
  assert.ok(err.message.includes(home.path));
  assert.ok(err.message.includes("codex login --device-auth"));
  assert.ok(err.message.includes("agent_provider.forward_host_credentials"));
});

Deno.test("readCodexHostAuth() rejects an unreadable file", async () => {
  await using home = await codexHome();
  await Deno.mkdir(home.path);
  const err = await rejection(home.env);
  assert.ok(err.message.includes(`cannot read ${home.path}`), err.message);
  assert.ok(err.message.includes("codex login --device-auth"));
});

Deno.test("readCodexHostAuth() rejects invalid JSON without quoting the token", async () => {
  const access = jwt(claims());
  for (const text of [`{"tokens":{"access_token":${access}}}`, `{"a": 1,}`, ""]) {
    await using home = await codexHome(text);
    const err = await rejection(home.env);
    assert.ok(err.message.includes(`${home.path} is not valid JSON (`), err.message);
    assert.ok(err.message.includes("codex login --device-auth"));
    for (const part of access.split(".")) assert.ok(!err.message.includes(part.slice(0, 8)));
    assert.equal(err.cause, undefined);
  }
});

const access = jwt(claims());
const accessFor = (payload: unknown) =>
  `${b64url('{"alg":"RS256"}')}.${b64url(JSON.stringify(payload))}.c2ln`;
const failures: [string, unknown, RegExp][] = [
  ["an array", [1], /must hold a JSON object/],
  ["null", null, /must hold a JSON object/],
  ["a string", '"chatgpt"', /must hold a JSON object/],
  ["auth_mode api_key", { ...hostAuth(access), auth_mode: "api_key" }, /API-key auth, not device/],
  ["auth_mode apikey", { ...hostAuth(access), auth_mode: "apikey" }, /API-key auth, not device/],
  ["no auth_mode", { tokens: hostAuth(access).tokens }, /API-key auth \(no auth_mode\)/],
  ["only an API key", { OPENAI_API_KEY: "sk-secret-key-123" }, /API-key auth/],
  ["API key, no tokens", { auth_mode: "chatgpt", OPENAI_API_KEY: "sk-secret-key-123" }, /API-key/],
  ["no tokens", { auth_mode: "chatgpt", OPENAI_API_KEY: null }, /has no tokens object/],
  ["tokens a list", { auth_mode: "chatgpt", tokens: [access] }, /has no tokens object/],
  ["no access_token", { auth_mode: "chatgpt", tokens: { id_token: access } }, /no tokens\.access/],
  ["empty access_token", { auth_mode: "chatgpt", tokens: { access_token: "" } }, /no tokens\.acc/],
  ["numeric access_token", { auth_mode: "chatgpt", tokens: { access_token: 7 } }, /no tokens\.acc/],
  ["opaque token", hostAuth("sk-opaque-access-secret"), /is not a JWT with a numeric exp/],
  ["two parts", hostAuth(access.split(".").slice(0, 2).join(".")), /not a JWT/],
  ["payload not JSON", hostAuth(`eyJh.${b64url("nope{")}.c2ln`), /not a JWT/],
  ["payload an array", hostAuth(accessFor([1])), /not a JWT/],
  ["no exp", hostAuth(accessFor({ sub: "x" })), /not a JWT with a numeric exp/],
  ["string exp", hostAuth(jwt(claims(String(EXP)))), /not a JWT with a numeric exp/],
  ["huge exp", hostAuth(accessFor({ exp: 1e300 })), /not a JWT with a numeric exp/],
];

for (const [label, content, want] of failures) {
  Deno.test(`readCodexHostAuth() rejects ${label}, naming the file and the fix`, async () => {
    const text = typeof content === "string" ? content : JSON.stringify(content);
    await using home = await codexHome(text);
    const err = await rejection(home.env);
    assert.match(err.message, want);
    assert.ok(err.message.includes(home.path), err.message);
    assert.match(err.message, /codex login --device-auth/);
    for (const secret of [access, REFRESH, "sk-secret-key-123", "sk-opaque-access-secret"]) {
      assert.ok(!err.message.includes(secret), `message leaks ${secret}`);
    }
  });
}

Deno.test("readCodexHostAuth() rejects an expired token with its expiry and no token", async () => {
  for (const exp of [EXP, EXP - 3600]) {
    const token = jwt(claims(exp));
    await using home = await codexHome(hostAuth(token));
    const err = await rejection(home.env, new Date(EXP * 1000));
    assert.ok(err.message.includes(home.path));
    assert.ok(err.message.includes(`expired at ${new Date(exp * 1000).toISOString()}`));
    assert.match(err.message, /codex login --device-auth` on the host and start the bottle again/);
    assert.ok(!err.message.includes(token));
  }
});
