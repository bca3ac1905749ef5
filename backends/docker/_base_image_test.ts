import assert from "node:assert/strict";
import { firstFrom } from "./_base_image.ts";

const CASES: { name: string; dockerfile: string; args?: Record<string, string>; want?: string }[] =
  [
    {
      name: "a build argument overrides the ARG default",
      dockerfile: "ARG BASE_IMAGE=node:22-bookworm-slim\nFROM ${BASE_IMAGE} AS install\n",
      args: { BASE_IMAGE: "bot-bottle-test/node:20" },
      want: "bot-bottle-test/node:20",
    },
    {
      name: "the ARG default applies without a build argument, quotes removed",
      dockerfile: '# comment\n\nARG BASE_IMAGE="debian:bookworm-slim"\nFROM $BASE_IMAGE\n',
      want: "debian:bookworm-slim",
    },
    {
      name: "flags and continuations are read as docker reads them",
      dockerfile:
        "FROM --platform=linux/amd64 \\\n  registry.example/base:1 AS one\nFROM other:2\n",
      want: "registry.example/base:1",
    },
    {
      name: "a literal FROM",
      dockerfile: "from debian:bookworm\nRUN true\n",
      want: "debian:bookworm",
    },
    { name: "scratch has nothing to pull", dockerfile: "FROM scratch\n" },
    { name: "an argument without a value", dockerfile: "ARG BASE\nFROM ${BASE}\n" },
    { name: "a syntax it does not resolve", dockerfile: "ARG B=x\nFROM ${B:-debian}\n" },
    { name: "no FROM at all", dockerfile: "RUN true\n" },
  ];

for (const c of CASES) {
  Deno.test(`firstFrom(): ${c.name}`, () => {
    assert.equal(firstFrom(c.dockerfile, c.args ?? {}), c.want);
  });
}
