import assert from "node:assert/strict";
import { UsageError } from "../../core/errors/mod.ts";
import { checkLabel, newSlug, SLUG_PATTERN } from "./mod.ts";

Deno.test("newSlug() makes distinct slugs that match the slug pattern", () => {
  const slugs = new Set(Array.from({ length: 50 }, () => newSlug("dev")));
  assert.ok(slugs.size > 45);
  for (const slug of slugs) assert.match(slug, /^dev-[0-9a-f]{6}$/);
  const long = newSlug("a-very-long-agent-name-that-goes-on-and-on-");
  assert.match(long, SLUG_PATTERN);
});

Deno.test("checkLabel() accepts safe labels and refuses anything else", () => {
  assert.equal(checkLabel("review-bot"), "review-bot");
  for (const bad of ["", "x", "Dev", "dev-", "1dev", "dev bot", "dev;rm", "a/b", "d".repeat(41)]) {
    assert.throws(() => checkLabel(bad), (err: unknown) => {
      assert.ok(err instanceof UsageError, bad);
      assert.match(err.message, /must be 2-40 lower-case letters/);
      return true;
    });
  }
});
