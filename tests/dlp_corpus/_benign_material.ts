/**
 * Material the benign builders share: real package names, source files that name credentials by
 * their variables with placeholders, image bytes, and checksum look-alikes.
 */
import { ibanValid, luhnValid } from "./_checksums.ts";
import type { Rng } from "./_rng.ts";

/** Packages (npm name, version, PyPI name). */
export const PACKAGES: readonly { name: string; version: string; py: string }[] = [
  { name: "lodash", version: "4.17.21", py: "requests" },
  { name: "react", version: "19.0.0", py: "numpy" },
  { name: "@types/node", version: "22.10.2", py: "pydantic" },
  { name: "express", version: "4.21.2", py: "fastapi" },
  { name: "typescript", version: "5.7.2", py: "boto3" },
  { name: "@aws-sdk/client-s3", version: "3.712.0", py: "urllib3" },
  { name: "zod", version: "3.24.1", py: "httpx" },
  { name: "esbuild", version: "0.24.2", py: "cryptography" },
  { name: "vite", version: "6.0.5", py: "jinja2" },
  { name: "axios", version: "1.7.9", py: "rich" },
];

/** Source and config files that name secrets without holding them. */
export const SOURCE_FILES: readonly { path: string; text: string }[] = [
  {
    path: "src/config.ts",
    text:
      `export const config = {\n  openaiKey: process.env.OPENAI_API_KEY ?? "",\n  stripeKey: requireEnv("STRIPE_SECRET_KEY"),\n  githubToken: Deno.env.get("GITHUB_TOKEN"),\n};\n\nfunction requireEnv(name: string): string {\n  const value = process.env[name];\n  if (!value) throw new Error(\`missing \${name}\`);\n  return value;\n}\n`,
  },
  {
    path: ".env.example",
    text:
      `# Copy to .env and fill in\nDATABASE_URL=postgres://user:password@localhost:5432/app\nOPENAI_API_KEY=sk-...\nANTHROPIC_API_KEY=your-anthropic-key\nSTRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx\nGITHUB_TOKEN=<your token>\nAWS_ACCESS_KEY_ID=\nAWS_SECRET_ACCESS_KEY=\n`,
  },
  {
    path: "docker-compose.yml",
    text:
      `services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:?set it in .env}\n  api:\n    build: .\n    environment:\n      - SENTRY_DSN=\${SENTRY_DSN}\n      - JWT_SECRET=\${JWT_SECRET}\n`,
  },
  {
    path: ".github/workflows/release.yml",
    text:
      `name: release\non: { push: { tags: ["v*"] } }\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af\n        with: { node-version: 22, registry-url: https://registry.npmjs.org }\n      - run: npm publish --provenance\n        env:\n          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}\n`,
  },
  {
    path: "app/settings.py",
    text:
      `import os\n\nSECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\nAWS_STORAGE_BUCKET_NAME = os.getenv("AWS_STORAGE_BUCKET_NAME", "static")\nSENDGRID_API_KEY = os.getenv("SENDGRID_API_KEY")  # SG.xxxxx in production\nDEBUG = os.getenv("DEBUG") == "1"\n`,
  },
  {
    path: "infra/main.tf",
    text:
      `variable "cloudflare_api_token" {\n  type      = string\n  sensitive = true\n}\n\nprovider "cloudflare" {\n  api_token = var.cloudflare_api_token\n}\n\nresource "aws_iam_access_key" "ci" {\n  user = aws_iam_user.ci.name\n}\n`,
  },
  {
    path: "k8s/deployment.yaml",
    text:
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api@sha256:3b1f6e8a9d0c2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f\n          env:\n            - name: DATABASE_PASSWORD\n              valueFrom: { secretKeyRef: { name: db, key: password } }\n`,
  },
  {
    path: "tests/auth_test.go",
    text:
      `func TestRejectsBadToken(t *testing.T) {\n\ttoken := "test-token-not-a-secret"\n\tif err := Verify(token); err == nil {\n\t\tt.Fatal("expected an error for a malformed token")\n\t}\n\t// Real tokens look like ghp_ followed by 36 characters; see docs/tokens.md.\n}\n`,
  },
  {
    path: "scripts/rotate.sh",
    text:
      `#!/usr/bin/env bash\nset -euo pipefail\n# Rotates the deploy key. Requires VAULT_ADDR and VAULT_TOKEN in the environment.\nnew=$(vault write -field=secret_id auth/approle/role/deploy/secret-id)\ngh secret set DEPLOY_SECRET_ID --body "$new"\necho "rotated"\n`,
  },
  {
    path: "README.md",
    text:
      `## Configuration\n\n| Variable | Purpose |\n| --- | --- |\n| \`OPENAI_API_KEY\` | Key for the model API (starts with \`sk-\`) |\n| \`SLACK_WEBHOOK_URL\` | Where alerts go, e.g. https://hooks.slack.com/services/T000/B000/XXXX |\n\nNever commit real values; use \`.env\`.\n`,
  },
];

/**
 * Bytes shaped like a PNG: signature, IHDR, one IDAT of noise, IEND.
 *
 * @param rng The generator.
 * @param size Bytes of image data.
 * @returns The bytes.
 */
export function pngBytes(rng: Rng, size: number): Uint8Array {
  const head = [
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0,
    0,
    0,
    13,
    0x49,
    0x48,
    0x44,
    0x52,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0xc8,
    8,
    6,
    0,
    0,
    0,
  ];
  const idat = [
    (size >>> 24) & 255,
    (size >>> 16) & 255,
    (size >>> 8) & 255,
    size & 255,
    0x49,
    0x44,
    0x41,
    0x54,
  ];
  const tail = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
  return new Uint8Array([
    ...head,
    ...rng.bytes(4),
    ...idat,
    ...rng.bytes(size),
    ...rng.bytes(4),
    ...tail,
  ]);
}

/**
 * A number shaped like a card or an IBAN whose checksum fails.
 *
 * @param r The generator.
 * @param i Which shape.
 * @returns The value and its claim.
 */
export function lookalike(
  r: Rng,
  i: number,
): { value: string; kind: "luhn" | "iban"; what: string } {
  if (i % 3 === 2) {
    for (;;) {
      const value = `DE${r.digits(2)}${r.digits(18)}`;
      if (!ibanValid(value)) {
        return { value, kind: "iban", what: "IBAN-shaped reference with wrong check digits" };
      }
    }
  }
  for (;;) {
    const value = `${i % 3 === 0 ? "4" : "5" + r.int(1, 5)}${r.digits(i % 3 === 0 ? 15 : 14)}`;
    if (!luhnValid(value)) {
      return {
        value: i % 2 === 0 ? value : value.match(/.{4}/g)!.join(" "),
        kind: "luhn",
        what: "card-shaped order number failing Luhn",
      };
    }
  }
}
