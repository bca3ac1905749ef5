import assert from "node:assert/strict";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { type Route, RouteSchema } from "../../core/routes/mod.ts";
import { HeaderList } from "../http1/mod.ts";
import { Approvals } from "./_approvals.ts";
import { CleanHeads } from "./_clean_heads.ts";
import { HostSeams } from "./_host_seams.ts";
import type { OutboundContext } from "./_outbound.ts";
import { type HeadToScreen, screenHead } from "./_screen_head.ts";

/** A GitHub token outbound DLP finds. */
const LEAKED = `ghp_${"a1B2c3D4e5".repeat(3)}abcdef`;
const TOKEN = "route-token-0123456789abcdefghij";
const engine = new DlpEngine({ knownSecrets: [TOKEN] });

function context(route: Route, cleanHeads: CleanHeads): OutboundContext {
  return {
    engine,
    seam: new HostSeams().watch(route.host, engine),
    route,
    cleanHeads,
    host: route.host,
    approvals: new Approvals(),
    operator: undefined,
    onWarn: () => {},
    onRedact: () => {},
    onApproved: () => {},
  };
}

function head(fields: [string, string][], stripped: [string, string][] = []): HeadToScreen {
  return { host: "a.test", method: "GET", target: "/x", headers: new HeaderList(fields), stripped };
}

const plain = RouteSchema.parse({ host: "a.test" });
const injecting = RouteSchema.parse({ host: "a.test", auth: { scheme: "Bearer", token_ref: "T" } });

Deno.test("screenHead: a clean head seen before is decided again when what was stripped differs", async () => {
  const ctx = context(plain, new CleanHeads());
  const fields: [string, string][] = [["Host", "a.test"], ["Accept", "*/*"]];
  const first = await screenHead(ctx, head(fields, [["authorization", "Bearer placeholder"]]));
  assert.equal(first.action, "allow");
  const again = await screenHead(ctx, head(fields, [["authorization", `Bearer ${LEAKED}`]]));
  assert.equal(again.action, "deny", "the stripped credential is part of what was found clean");
});

Deno.test("screenHead: a clean head seen before is decided again when one repeated header differs", async () => {
  const ctx = context(plain, new CleanHeads());
  const clean: [string, string][] = [["Host", "a.test"], ["Cookie", "a=1"], ["cookie", "b=2"]];
  assert.equal((await screenHead(ctx, head(clean))).action, "allow");
  const leaked: [string, string][] = [["Host", "a.test"], ["Cookie", "a=1"], ["cookie", LEAKED]];
  assert.equal((await screenHead(ctx, head(leaked))).action, "deny");
});

Deno.test("screenHead: the head to send is the same, in the same order, scanned or remembered", async () => {
  const ctx = context(injecting, new CleanHeads());
  for (
    const fields of [
      [["Host", "a.test"], ["X-A", "1"], ["authorization", `Bearer ${TOKEN}`]],
      // The injected credential was moved last before it was sent, as it always has been.
      [["Host", "a.test"], ["authorization", `Bearer ${TOKEN}`], ["X-A", "1"]],
    ] as [string, string][][]
  ) {
    const want = [["Host", "a.test"], ["X-A", "1"], ["authorization", `Bearer ${TOKEN}`]];
    for (const round of ["scanned", "remembered"]) {
      const screened = await screenHead(ctx, head(fields));
      assert.equal(screened.action, "allow");
      if (screened.action !== "allow") continue;
      assert.deepEqual([...screened.headers], want, round);
      assert.equal(screened.target, "/x");
    }
  }
});

Deno.test("screenHead: a clean head is answered at once, a head with a finding once it is judged", async () => {
  const ctx = context(plain, new CleanHeads());
  // Every request's head goes through here: a clean one costs no promise and no queue turn.
  const clean = screenHead(ctx, head([["Host", "a.test"], ["Accept", "*/*"]]));
  assert.ok(!(clean instanceof Promise));
  assert.equal(clean.action, "allow");
  const leaked = screenHead(ctx, head([["Host", "a.test"], ["X-Key", LEAKED]]));
  assert.ok(leaked instanceof Promise);
  assert.equal((await leaked).action, "deny");
});
