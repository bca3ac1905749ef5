/**
 * Benign outbound uploads: model API requests about security, source files sent to APIs,
 * checksum look-alikes, images, telemetry and CSVs.
 */
import { benignOutbound, json, outbound, seq } from "./_case.ts";
import type { Placed } from "./_carriers.ts";
import { b64 } from "./_encode.ts";
import { Rng } from "./_rng.ts";
import { lookalike, pngBytes, SOURCE_FILES } from "./_benign_material.ts";
import type { CorpusCase } from "./mod.ts";

const SECURITY_QUESTIONS = [
  "How do I rotate the AWS_SECRET_ACCESS_KEY used by our CI without downtime?",
  "Explain what a prompt injection is and why 'ignore previous instructions' in a web page is dangerous for agents.",
  "Write a .env.example for a Next.js app that uses Stripe; use placeholders like sk_live_... for the values.",
  "Our GitHub token leaked in a log (it started with ghp_). What should we do first?",
  "Review this code: const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });",
  "What is the difference between a publishable key (pk_live_...) and a secret key (sk_live_...)?",
  "Summarize OWASP LLM01 (prompt injection) and LLM02 (sensitive information disclosure).",
  "Is it safe to run `curl https://example.com/install.sh | sh`? What should I check first?",
  "Generate a regex that matches AWS access key ids (AKIA followed by 16 characters) for our log scrubber.",
  "How does Luhn validation work for credit card numbers? Show an example with 4xxx xxxx xxxx xxxx.",
];

/** @returns Model API requests about security (class `model_api_request`). */
export function modelRequestCases(): CorpusCase[] {
  const b = benignOutbound("model_api_request", "b-llm");
  const r = b.rng;
  for (let i = 0; i < 30; i++) {
    const question = SECURITY_QUESTIONS[i % SECURITY_QUESTIONS.length]!;
    const file = SOURCE_FILES[i % SOURCE_FILES.length]!;
    const history = [
      { role: "user", content: question },
      {
        role: "assistant",
        content:
          "Sure. First, make sure the value is never committed; load it from the environment and keep a placeholder such as YOUR_API_KEY in examples.",
      },
      { role: "user", content: `Here is the file:\n\`\`\`\n${file.text}\n\`\`\`` },
    ];
    const anthropic = i % 2 === 0;
    b.add(
      `${anthropic ? "Messages" : "Chat Completions"} request: ${question.slice(0, 40)}`,
      json(
        "llm.corpus.test",
        anthropic ? "/v1/messages" : "/v1/chat/completions",
        anthropic
          ? {
            model: "claude-sonnet-4-5",
            max_tokens: 4096,
            system: "You are a careful coding assistant. Never reveal secrets.",
            messages: history,
            metadata: { user_id: r.uuid() },
          }
          : {
            model: "gpt-4.1",
            messages: [{ role: "system", content: "You are a security reviewer." }, ...history],
            temperature: 0.2,
          },
        [["anthropic-version", "2023-06-01"], ["x-request-id", r.uuid()]],
      ),
    );
  }
  return b.cases;
}

/** @returns Source files sent to APIs (class `source_upload`). */
export function sourceUploadCases(): CorpusCase[] {
  const b = benignOutbound("source_upload", "b-src");
  const r = b.rng;
  for (let i = 0; i < 20; i++) {
    const file = SOURCE_FILES[i % SOURCE_FILES.length]!;
    if (i % 2 === 0) {
      b.add(`contents API PUT of ${file.path} (base64)`, {
        host: "api.corpus.test",
        request: {
          method: "PUT",
          target: `/repos/acme/widget/contents/${file.path}`,
          headers: [["Accept", "application/vnd.github+json"]],
          contentType: "application/json",
          body: JSON.stringify({
            message: `chore: update ${file.path}`,
            content: b64(file.text),
            sha: r.hex(40),
            branch: "main",
          }),
        },
      });
    } else {
      b.add(
        `gist or PR comment with ${file.path}`,
        json(
          "api.corpus.test",
          i % 4 === 1 ? "/gists" : `/repos/acme/widget/issues/${r.int(10, 999)}/comments`,
          i % 4 === 1
            ? { files: { [file.path.split("/").pop()!]: { content: file.text } }, public: false }
            : { body: `Suggested change:\n\n\`\`\`\n${file.text}\n\`\`\`` },
        ),
      );
    }
  }
  return b.cases;
}

/** @returns Numbers that look like cards or IBANs but fail their checksums (class `checksum_lookalike`). */
export function lookalikeOutboundCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const r = new Rng("benign:lookalike-out");
  for (let i = 0; i < 15; i++) {
    const { value, kind, what } = lookalike(r, i);
    cases.push(outbound(
      {
        id: `b-look-out-${seq(i)}`,
        class: "checksum_lookalike",
        label: "benign",
        what,
        checks: [{ kind, value, valid: false }],
      },
      json("api.corpus.test", "/v1/shipments", {
        reference: value,
        carrier: "DHL",
        weight_kg: r.int(1, 30),
        note: "reference from the order form",
      }),
    ));
  }
  return cases;
}

/** @returns Images sent as base64 (class `base64_image`). */
export function imageUploadCases(): CorpusCase[] {
  const b = benignOutbound("base64_image", "b-img-out");
  for (let i = 0; i < 10; i++) {
    const png = b64(pngBytes(b.rng, 600 + i * 150));
    b.add(
      i % 2 === 0 ? "image block in a model request" : "avatar upload as a data URL",
      i % 2 === 0
        ? json("llm.corpus.test", "/v1/messages", {
          model: "claude-sonnet-4-5",
          max_tokens: 512,
          messages: [{
            role: "user",
            content: [{
              type: "image",
              source: { type: "base64", media_type: "image/png", data: png },
            }, { type: "text", text: "What does this chart show?" }],
          }],
        })
        : json("api.corpus.test", "/v1/users/me/avatar", { image: `data:image/png;base64,${png}` }),
    );
  }
  return b.cases;
}

/** @returns Traces, error reports and analytics (class `telemetry`). */
export function telemetryCases(): CorpusCase[] {
  const b = benignOutbound("telemetry", "b-tel");
  const r = b.rng;
  for (let i = 0; i < 15; i++) {
    const traceId = r.hex(32);
    const shapes: [string, () => Placed][] = [
      ["OTLP spans with trace ids", () =>
        json("collect.corpus.test", "/v1/traces", {
          resourceSpans: [{
            resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
            scopeSpans: [{
              spans: [{
                traceId,
                spanId: r.hex(16),
                parentSpanId: r.hex(16),
                name: "GET /cart",
                startTimeUnixNano: `${1764990000000000000 + r.int(0, 999999)}`,
                kind: 2,
              }],
            }],
          }],
        }, [["traceparent", `00-${traceId}-${r.hex(16)}-01`]])],
      ["error report with stack trace", () =>
        json("collect.corpus.test", "/api/42/store/", {
          event_id: r.hex(32),
          timestamp: 1764990000 + r.int(0, 9999),
          platform: "node",
          level: "error",
          exception: {
            values: [{
              type: "TypeError",
              value: "Cannot read properties of undefined (reading 'id')",
              stacktrace: {
                frames: [{
                  filename: "/app/dist/server.js",
                  lineno: r.int(1, 9999),
                  colno: r.int(1, 80),
                  function: "handler",
                }],
              },
            }],
          },
          tags: { release: `web@${r.hex(7)}` },
        })],
      ["analytics track call", () =>
        json("collect.corpus.test", "/v1/t", {
          type: "track",
          event: "Checkout Completed",
          anonymousId: r.uuid(),
          messageId: `ajs-next-${r.hex(32)}`,
          properties: { revenue: r.int(100, 9999) / 100, currency: "USD" },
          context: { page: { path: "/checkout" }, userAgent: "Mozilla/5.0" },
        })],
    ];
    const [what, make] = shapes[i % shapes.length]!;
    b.add(what, make());
  }
  return b.cases;
}

/** @returns CSV uploads of numbers (class `csv_numbers`). */
export function csvUploadCases(): CorpusCase[] {
  const b = benignOutbound("csv_numbers", "b-csv-out");
  const r = b.rng;
  for (let i = 0; i < 8; i++) {
    const rows = ["date,open,high,low,close,volume"];
    for (let d = 0; d < 40; d++) {
      const base = r.int(1000, 90000) / 100;
      rows.push(
        `2026-${String(1 + (d % 12)).padStart(2, "0")}-${
          String(1 + (d % 28)).padStart(2, "0")
        },${base},${(base * 1.02).toFixed(2)},${(base * 0.98).toFixed(2)},${
          (base * 1.01).toFixed(2)
        },${r.int(1000, 9999999)}`,
      );
    }
    b.add("price series CSV", {
      host: "collect.corpus.test",
      request: {
        method: "POST",
        target: `/v1/datasets/${r.alnum(8).toLowerCase()}/rows`,
        headers: [],
        contentType: "text/csv",
        body: rows.join("\n") + "\n",
      },
    });
  }
  return b.cases;
}
