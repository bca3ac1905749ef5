/**
 * Benign inbound pages: docs and posts that quote attacks, READMEs with install commands, source
 * files, minified JS, inline images, ordinary HTML with hidden elements, and model API responses
 * about security (JSON and SSE).
 */
import { inbound, seq } from "./_case.ts";
import { b64 } from "./_encode.ts";
import { Rng } from "./_rng.ts";
import { pngBytes, SOURCE_FILES } from "./_benign_material.ts";
import { ident } from "./_benign_inbound.ts";
import { ARTICLES, READMES } from "./_benign_text.ts";
import type { CorpusCase, CorpusResponse } from "./mod.ts";

function builder(cls: string, prefix: string) {
  const cases: CorpusCase[] = [];
  return {
    rng: new Rng(`benign:${cls}`),
    cases,
    add(
      what: string,
      where: { host: string; target: string },
      response: Partial<CorpusResponse> & { contentType: string },
    ): void {
      cases.push(
        inbound(
          { id: `${prefix}-${seq(cases.length)}`, class: cls, label: "benign", what },
          where,
          response,
        ),
      );
    },
  };
}

function layout(title: string, main: string, extraHead = ""): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">${extraHead}</head>\n<body>\n` +
    `<a class="sr-only" href="#main">Skip to content</a>\n<nav><a href="/">Blog</a> <a href="/about">About</a></nav>\n` +
    `<main id="main"><article><h1>${title}</h1>\n${main}\n</article></main>\n<footer>&copy; 2026 Example</footer>\n</body></html>\n`;
}

function toMarkdown(html: string): string {
  return html.replace(/<\/?(p|ul|article)>/g, "\n").replace(/<li>/g, "- ").replace(/<\/li>/g, "\n")
    .replace(/<h2>(.*?)<\/h2>/g, "## $1\n").replace(/<h3>(.*?)<\/h3>/g, "### $1\n")
    .replace(/<\/?code>/g, "`").replace(/<blockquote>(.*?)<\/blockquote>/gs, "> $1\n").replace(
      /<\/?q>/g,
      '"',
    )
    .replace(/<\/?pre>/g, "\n```\n");
}

/** @returns Articles and docs quoting attacks (class `docs_quoting_attacks`). */
export function docsCases(): CorpusCase[] {
  const b = builder("docs_quoting_attacks", "b-docs");
  ARTICLES.forEach((a, i) => {
    b.add(`blog post: ${a.title}`, {
      host: "docs.corpus.test",
      target: `/blog/${i}-${a.title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
    }, {
      contentType: "text/html; charset=utf-8",
      body: layout(a.title, a.html),
    });
    b.add(`markdown docs: ${a.title}`, {
      host: "docs.corpus.test",
      target: `/docs/security/${i}.md`,
    }, {
      contentType: "text/markdown",
      body: `# ${a.title}\n${toMarkdown(a.html)}\n`,
    });
    b.add(`CMS JSON: ${a.title}`, { host: "api.corpus.test", target: `/cms/posts/${i}` }, {
      contentType: "application/json",
      body: JSON.stringify({
        id: i,
        slug: `post-${i}`,
        title: a.title,
        author: "Security team",
        published_at: "2026-11-20T08:00:00Z",
        body_html: a.html,
        tags: ["security", "ai"],
      }),
    });
  });
  return b.cases;
}

/** @returns READMEs with install commands (class `readme`). */
export function readmeCases(): CorpusCase[] {
  const b = builder("readme", "b-readme");
  for (let i = 0; i < 25; i++) {
    const text = READMES[i % READMES.length]!;
    const shape = i % 3;
    if (shape === 0) {
      b.add("raw README.md", {
        host: "git.corpus.test",
        target: `/raw/acme/proj${i}/main/README.md`,
      }, { contentType: "text/plain; charset=utf-8", body: text });
    } else if (shape === 1) {
      b.add("README through the contents API (base64)", {
        host: "api.corpus.test",
        target: `/repos/acme/proj${i}/readme`,
      }, {
        contentType: "application/json",
        body: JSON.stringify({
          name: "README.md",
          path: "README.md",
          sha: b.rng.hex(40),
          size: text.length,
          encoding: "base64",
          content: b64(text).replace(/.{60}/g, "$&\n"),
        }),
      });
    } else {
      const html = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\n/g, "<br>\n");
      b.add("rendered README page", { host: "docs.corpus.test", target: `/acme/proj${i}` }, {
        contentType: "text/html",
        body: layout(`acme/proj${i}`, `<div class="markdown-body">${html}</div>`),
      });
    }
  }
  return b.cases;
}

/** @returns Source and config files that name secrets by variable (class `source_file`). */
export function sourceFileCases(): CorpusCase[] {
  const b = builder("source_file", "b-srcf");
  for (let i = 0; i < 25; i++) {
    const file = SOURCE_FILES[i % SOURCE_FILES.length]!;
    if (i < 15) {
      b.add(`raw ${file.path}`, {
        host: "git.corpus.test",
        target: `/raw/acme/svc${i}/main/${file.path}`,
      }, { contentType: "text/plain; charset=utf-8", body: file.text });
    } else {
      b.add(`${file.path} through the contents API`, {
        host: "api.corpus.test",
        target: `/repos/acme/svc${i}/contents/${file.path}`,
      }, {
        contentType: "application/json",
        body: JSON.stringify({
          type: "file",
          encoding: "base64",
          size: file.text.length,
          name: file.path.split("/").pop(),
          path: file.path,
          content: b64(file.text),
          sha: b.rng.hex(40),
        }),
      });
    }
  }
  return b.cases;
}

/** @returns Minified JavaScript bundles (class `minified_js`). */
export function minifiedCases(): CorpusCase[] {
  const b = builder("minified_js", "b-minjs");
  const r = b.rng;
  for (let i = 0; i < 15; i++) {
    const parts: string[] = [
      `/*! For license information please see main.${r.hex(8)}.js.LICENSE.txt */`,
    ];
    parts.push(
      `(()=>{"use strict";var ${ident(r)}={${r.int(100, 999)}:(e,t,n)=>{n.d(t,{A:()=>${
        ident(r)
      }})}};`,
    );
    for (let k = 0; k < 40; k++) {
      const a = ident(r);
      const c = ident(r);
      parts.push(
        `function ${a}(${c},${ident(r)}){return ${c}&&${c}.__esModule?${c}:{default:${c},h:"${
          r.hex(r.pick([8, 16, 20]))
        }"}}`,
      );
      if (k % 7 === 0) {
        parts.push(
          `const ${ident(r)}="${
            r.str("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/", r.int(20, 60))
          }";`,
        );
      }
      if (k % 11 === 0) {
        parts.push(
          `${ident(r)}.p="/static/chunks/"+{${r.int(10, 999)}:"${r.hex(20)}",${r.int(10, 999)}:"${
            r.hex(20)
          }"}[e]+".js";`,
        );
      }
    }
    parts.push("})();");
    if (i % 3 === 0) {
      parts.push(
        `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${
          b64(
            JSON.stringify({
              version: 3,
              sources: ["src/index.ts"],
              mappings: r.str(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/;,",
                600,
              ),
            }),
          )
        }`,
      );
    }
    b.add(i % 3 === 0 ? "bundle with an inline source map" : "minified bundle", {
      host: "cdn.corpus.test",
      target: `/static/js/${i}.${r.hex(8)}.chunk.js`,
    }, {
      contentType: "application/javascript; charset=utf-8",
      body: parts.join(""),
    });
  }
  return b.cases;
}

/** @returns Pages and styles with base64 images and fonts (class `base64_image`). */
export function inlineImageCases(): CorpusCase[] {
  const b = builder("base64_image", "b-img-in");
  const r = b.rng;
  for (let i = 0; i < 15; i++) {
    const png = b64(pngBytes(r, 400 + i * 200));
    if (i % 3 === 0) {
      b.add("CSS with an inline font and icon", {
        host: "cdn.corpus.test",
        target: `/css/app.${r.hex(8)}.css`,
      }, {
        contentType: "text/css",
        body: `@font-face{font-family:Icons;src:url(data:font/woff2;base64,${
          b64(r.bytes(1500))
        }) format("woff2")}.logo{background:url(data:image/png;base64,${png}) no-repeat}`,
      });
    } else if (i % 3 === 1) {
      b.add("HTML with data-URI images", { host: "docs.corpus.test", target: `/gallery/${i}` }, {
        contentType: "text/html",
        body: layout(
          "Gallery",
          `<img alt="chart" src="data:image/png;base64,${png}">\n<img alt="logo" src="data:image/svg+xml;base64,${
            b64(
              '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>',
            )
          }">`,
        ),
      });
    } else {
      b.add("JSON with base64 thumbnails", { host: "api.corpus.test", target: `/v1/media/${i}` }, {
        contentType: "application/json",
        body: JSON.stringify({
          id: r.uuid(),
          mime: "image/png",
          width: 200,
          height: 200,
          thumbnail: png,
        }),
      });
    }
  }
  return b.cases;
}

/** @returns Ordinary pages with hidden elements, comments, embeds and JSON-LD (class `html_page`). */
export function htmlPageCases(): CorpusCase[] {
  const b = builder("html_page", "b-html");
  const r = b.rng;
  const pieces = [
    () =>
      `<!-- Google Tag Manager -->\n<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'})})(window,document,'script','dataLayer','GTM-${
        r.str("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 7)
      }');</script>\n<!-- End Google Tag Manager -->`,
    () =>
      `<div class="mobile-menu" style="display:none" aria-hidden="true"><button>Close menu</button><a href="/pricing">Pricing</a></div>`,
    () =>
      `<span class="visually-hidden" style="position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden">Opens in a new window</span>`,
    () =>
      `<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/${
        r.str("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 11)
      }" title="Conference talk" allowfullscreen></iframe>`,
    () =>
      `<script type="application/ld+json">${
        JSON.stringify({
          "@context": "https://schema.org",
          "@type": "Article",
          headline: "Release 4.2",
          datePublished: "2026-11-28",
          author: { "@type": "Person", name: "Sam" },
        })
      }</script>`,
    () =>
      `<!-- build ${
        r.hex(7)
      } at 2026-11-30T10:11:12Z; do not edit, generated by the docs pipeline -->`,
    () =>
      `<noscript><img height="1" width="1" style="display:none" src="https://collect.example.com/tr?id=${
        r.digits(15)
      }&ev=PageView&noscript=1"/></noscript>`,
    () =>
      `<input type="hidden" name="csrf_token" value="${
        r.str("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40)
      }">`,
    () => `<template id="row"><tr><td class="name"></td><td class="size"></td></tr></template>`,
    () =>
      `<p style="font-size:0.8rem;color:#666">Prices include VAT. Offer valid until 31 December 2026.</p>`,
  ];
  for (let i = 0; i < 20; i++) {
    const body = [
      pieces[i % pieces.length]!(),
      pieces[(i + 3) % pieces.length]!(),
      `<p>Welcome to the release notes for version 4.${i}. This release improves startup time and fixes ${
        r.int(3, 40)
      } bugs.</p>`,
    ].join("\n");
    b.add(
      `page with ${
        [
          "GTM comment",
          "hidden menu",
          "sr-only text",
          "video iframe",
          "JSON-LD",
          "build comment",
          "noscript pixel",
          "CSRF field",
          "template",
          "small print",
        ][i % pieces.length]
      }`,
      { host: "docs.corpus.test", target: `/releases/4.${i}` },
      { contentType: "text/html; charset=utf-8", body: layout(`Release 4.${i}`, body) },
    );
  }
  return b.cases;
}

const ANSWERS = [
  'Prompt injection is when untrusted text, such as a web page saying "ignore previous instructions", is read by a model as if it were an instruction. Treat fetched content as data, limit tool permissions, and ask the user before running commands it suggests.',
  "To rotate the key: create a new key, update the secret in your CI (for example `gh secret set AWS_SECRET_ACCESS_KEY`), deploy, then deactivate the old key. Never paste the key itself into a chat.",
  "Here is a safe .env.example:\n\n```\nSTRIPE_SECRET_KEY=sk_live_...\nSTRIPE_WEBHOOK_SECRET=whsec_...\n```\n\nKeep the real values in your secret manager.",
  "Running `curl https://example.com/install.sh | sh` executes whatever the server sends. Download it first, read it, and verify its checksum.",
  "A regex for AWS access key ids is `\\b(AKIA|ASIA)[A-Z2-7]{16}\\b`. Pair it with the documented example `AKIAIOSFODNN7EXAMPLE` in your tests as an allowed value.",
  "I can't help extract credentials from that system, but I can explain how to audit which tokens your CI can read and how to scope them down.",
  "Luhn works by doubling every second digit from the right, subtracting 9 from results above 9, and checking that the sum is a multiple of 10.",
];

/** @returns Model API answers about security, JSON and streamed (class `model_api_response`). */
export function modelResponseCases(): CorpusCase[] {
  const b = builder("model_api_response", "b-llm-in");
  const r = b.rng;
  for (let i = 0; i < 25; i++) {
    const text = ANSWERS[i % ANSWERS.length]!;
    const where = { host: "llm.corpus.test", target: `/v1/messages/${i}` };
    if (i % 2 === 0) {
      b.add("Messages JSON response", where, {
        contentType: "application/json",
        headers: [["request-id", `req_${r.alnum(24)}`]],
        body: JSON.stringify({
          id: `msg_${r.alnum(24)}`,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [{ type: "text", text }],
          stop_reason: "end_turn",
          usage: { input_tokens: r.int(100, 9000), output_tokens: r.int(50, 900) },
        }),
      });
    } else {
      const words = text.split(/(?<= )/);
      const events = [
        `event: message_start\ndata: ${
          JSON.stringify({
            type: "message_start",
            message: { id: `msg_${r.alnum(24)}`, model: "claude-sonnet-4-5" },
          })
        }`,
      ];
      for (let k = 0; k < words.length; k += 3) {
        events.push(
          `event: content_block_delta\ndata: ${
            JSON.stringify({
              type: "content_block_delta",
              index: 0,
              delta: { type: "text_delta", text: words.slice(k, k + 3).join("") },
            })
          }`,
        );
      }
      events.push(`event: message_stop\ndata: {"type":"message_stop"}`);
      b.add("streamed answer (SSE)", where, { contentType: "text/event-stream", events });
    }
  }
  return b.cases;
}
