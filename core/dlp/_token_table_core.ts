/**
 * `token_patterns` table, part 1: source forges, chat, payments, the large AI providers, Google,
 * package registries, private keys and JWTs.
 */
import { publicJwt } from "./_jwt_public.ts";
import {
  ALNUM,
  B64URL,
  CHARS,
  fake,
  NOT_REPEATED,
  prefixed,
  type TokenSpec,
} from "./_token_spec.ts";

const { alnum, b64url, hex, upper, digits } = CHARS;
const GITLAB = "[A-Za-z0-9_.-]";
const SLACK = "[A-Za-z0-9-]";
const PEM_BODY = "[A-Za-z0-9+/=\\s\\\\:,.-]";
const PEM_LABEL = "[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----";
const PEM = [
  "-----BEGIN RSA PRIVATE KEY-----",
  fake(CHARS.b64, 64, 90),
  fake(CHARS.b64, 64, 91),
  "-----END RSA PRIVATE KEY-----",
].join("\n");
const JWT = `eyJhbGciOiJIUzI1NiJ9.eyJ${fake(b64url, 60, 92)}.${fake(b64url, 43, 93)}`;
const PLACEHOLDER = "X".repeat(36);

/** A JSON object as a JWT segment (base64url, no padding). */
function b64u(value: object): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A Slack bot or user token: the literal, a numeric team or user id, then the rest. */
function slack(name: string, literal: string, examples: Pick<TokenSpec, "tp" | "fp">): TokenSpec {
  return {
    name,
    literals: [literal],
    source: `${literal}[0-9]{6,16}-${SLACK}{10,255}`,
    maxLength: 277,
    leftBoundary: "alnum",
    shown: 4,
    ...examples,
  };
}

/** Rules with a literal prefix from the first version of the detector. */
export const CORE_TOKENS: readonly TokenSpec[] = [
  {
    name: "aws_access_key_id",
    literals: ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
    source: `(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])${NOT_REPEATED}[A-Z0-9]{16}(?![A-Za-z0-9])`,
    maxLength: 20,
    leftBoundary: "alnum",
    shown: 4,
    tp: ["AKIAIOSFODNN7EXAMPLE", `ASIA${fake(upper, 16, 1)}`, `A3TX${fake(upper, 16, 2)}`],
    fp: [
      "AKIAIOSFODNN7EXAMPLEX AKIAIOSFODNN7EXAMP 1AKIAIOSFODNN7EXAMPLE",
      "aws_access_key_id = AKIAXXXXXXXXXXXXXXXX",
    ],
  },
  {
    name: "aws_secret_access_key",
    literals: ["secret"],
    ignoreCase: true,
    source: "(?:(?<=aws[_-]?)secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)" +
      `["']?[ \\t]{0,4}[:=>][ \\t]{0,4}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
    maxLength: 68,
    leftBoundary: "none",
    shown: 0,
    valueGroup: true,
    tp: [["AWS_SECRET_ACCESS_KEY=", fake(CHARS.b64, 40, 3)]],
    fp: [`secret_key = ${fake(CHARS.b64, 40, 3)}`, "AWS_SECRET_ACCESS_KEY=your-secret-key-here"],
  },
  prefixed("github_pat", "ghp_", ALNUM, [36, 255], {
    end: false,
    tp: [`ghp_${fake(alnum, 36, 4)}`],
    fp: [`ghp_${fake(alnum, 20, 4)}`, `GITHUB_TOKEN=ghp_${PLACEHOLDER}`, "gh-pages ghp_..."],
  }),
  prefixed("github_oauth_token", "gho_", ALNUM, [36, 255], {
    end: false,
    tp: [`gho_${fake(alnum, 36, 5)}`],
    fp: [`gho_${fake(alnum, 30, 5)}`],
  }),
  prefixed("github_user_token", "ghu_", ALNUM, [36, 255], {
    end: false,
    tp: [`ghu_${fake(alnum, 36, 6)}`],
    fp: [`xghu_${fake(alnum, 36, 6)}`],
  }),
  prefixed("github_app_token", "ghs_", ALNUM, [36, 255], {
    end: false,
    tp: [`ghs_${fake(alnum, 36, 7)}`],
    fp: ["ghs_ token prefix", `ghs_${PLACEHOLDER}`],
  }),
  prefixed("github_refresh_token", "ghr_", ALNUM, [36, 255], {
    end: false,
    tp: [`ghr_${fake(alnum, 76, 8)}`],
    fp: [`ghr_${fake(alnum, 35, 8)}`],
  }),
  prefixed("github_fine_grained_pat", "github_pat_", "[A-Za-z0-9_]", [22, 255], {
    end: false,
    tp: [`github_pat_11${fake(alnum, 20, 9)}_${fake(alnum, 59, 10)}`],
    fp: ["github_pat_short", "see github_pat_<token> in the docs"],
  }),
  prefixed("gitlab_pat", "glpat-", GITLAB, [20, 255], {
    end: false,
    tp: [`glpat-${fake(alnum, 20, 11)}`],
    fp: [`glpat-${fake(alnum, 12, 11)}`, "GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx"],
  }),
  prefixed("gitlab_deploy_token", "gldt-", GITLAB, [20, 255], {
    end: false,
    tp: [`gldt-${fake(alnum, 20, 12)}`],
    fp: [`gldt-${fake(alnum, 19, 12)}`],
  }),
  prefixed("gitlab_runner_token", "glrt-", GITLAB, [20, 255], {
    end: false,
    tp: [`glrt-${fake(alnum, 20, 13)}`, `glrt-t1_${fake(alnum, 27, 13)}.01${fake(alnum, 7, 13)}`],
    fp: [`glrt-${fake(alnum, 10, 13)}`],
  }),
  prefixed("gitlab_trigger_token", "glptt-", GITLAB, [20, 255], {
    end: false,
    tp: [`glptt-${fake(hex, 40, 14)}`],
    fp: [`glptt-${fake(hex, 16, 14)}`],
  }),
  slack("slack_bot_token", "xoxb-", {
    tp: [`xoxb-${fake(digits, 12, 15)}-${fake(digits, 13, 16)}-${fake(alnum, 24, 17)}`],
    fp: ["SLACK_BOT_TOKEN=xoxb-your-token", "xoxb-..."],
  }),
  slack("slack_user_token", "xoxp-", {
    tp: [`xoxp-${fake(digits, 12, 18)}-${fake(digits, 13, 19)}-${fake(alnum, 32, 20)}`],
    fp: ["xoxp-<token>", "xoxp-your-user-token"],
  }),
  {
    name: "slack_token",
    literals: ["xoxa-", "xoxe-", "xoxe.", "xoxo-", "xoxr-", "xoxs-"],
    source: `xox[aeors][.-]${NOT_REPEATED}[A-Za-z0-9.-]{10,255}`,
    maxLength: 260,
    leftBoundary: "alnum",
    shown: 4,
    tp: [`xoxe.xoxp-1-${fake(alnum, 40, 21)}`],
    fp: ["xoxe-1-short", "xoxs-xxxxxxxxxxxxxxxxxxxxxxxx"],
  },
  prefixed("slack_app_token", "xapp-", SLACK, [10, 255], {
    end: false,
    tp: [`xapp-1-A0123456789-${fake(digits, 13, 22)}-${fake(alnum, 64, 23)}`],
    fp: ["xapp-token"],
  }),
  {
    name: "slack_webhook",
    literals: ["hooks.slack.com/services/"],
    source:
      "hooks\\.slack\\.com/services/[A-Za-z0-9_]{6,16}/[A-Za-z0-9_]{6,16}/[A-Za-z0-9_]{16,64}",
    maxLength: 123,
    leftBoundary: "none",
    shown: 4,
    tp: [`hooks.slack.com/services/T0123ABCD/B0123ABCD/${fake(alnum, 24, 24)}`],
    fp: ["https://hooks.slack.com/services/T000/B000/XXXX (see the Slack docs)"],
  },
  prefixed("stripe_secret_key", "sk_live_", ALNUM, [16, 247], {
    end: false,
    tp: [`sk_live_${fake(alnum, 24, 25)}`],
    fp: ["STRIPE_KEY=sk_live_...", `sk_test_${fake(alnum, 24, 25)}`],
  }),
  prefixed("stripe_restricted_key", "rk_live_", ALNUM, [16, 247], {
    end: false,
    tp: [`rk_live_${fake(alnum, 99, 26)}`],
    fp: [`rk_live_${fake(alnum, 10, 26)}`],
  }),
  prefixed("anthropic_api_key", "sk-ant-", B64URL, [20, 300], {
    end: false,
    tp: [`sk-ant-api03-${fake(b64url, 93, 27)}AA`, `sk-ant-admin01-${fake(b64url, 93, 28)}AA`],
    fp: ["ANTHROPIC_API_KEY=sk-ant-...", "sk-ant-api03-your-key"],
  }),
  prefixed("openai_project_key", "sk-proj-", B64URL, [20, 300], {
    end: false,
    tp: [`sk-proj-${fake(b64url, 74, 29)}T3BlbkFJ${fake(b64url, 74, 30)}`],
    fp: ["sk-proj-short"],
  }),
  prefixed("openai_service_account_key", "sk-svcacct-", B64URL, [20, 300], {
    end: false,
    tp: [`sk-svcacct-${fake(b64url, 60, 31)}`],
    fp: ["sk-svcacct-<key>"],
  }),
  prefixed("openai_admin_key", "sk-admin-", B64URL, [20, 300], {
    end: false,
    tp: [`sk-admin-${fake(b64url, 60, 32)}`],
    fp: ["sk-admin-keys are listed under Settings"],
  }),
  prefixed("openai_api_key", "sk-", ALNUM, [32, 255], {
    end: false,
    shown: 3,
    // DeepSeek keys (`sk-` and 32 hex digits) have the same shape and are found here too.
    tp: [`sk-${fake(alnum, 20, 33)}T3BlbkFJ${fake(alnum, 20, 34)}`, `sk-${fake(hex, 32, 35)}`],
    fp: ["OPENAI_API_KEY=sk-...", `sk-${fake(alnum, 20, 33)}`, "scikit sk-learn"],
  }),
  {
    name: "google_api_key",
    literals: ["AIza"],
    source: `AIza${NOT_REPEATED}${B64URL}{35}`,
    maxLength: 39,
    leftBoundary: "alnum",
    shown: 4,
    tp: [`AIzaSy${fake(b64url, 33, 36)}`],
    fp: [`AIzaSy${fake(b64url, 20, 36)}`, "GOOGLE_API_KEY=AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
  },
  {
    name: "google_oauth_client_secret",
    literals: ["GOCSPX-"],
    source: `GOCSPX-${NOT_REPEATED}${B64URL}{28}`,
    maxLength: 35,
    leftBoundary: "alnum",
    shown: 4,
    tp: [`GOCSPX-${fake(b64url, 28, 37)}`],
    fp: ["GOCSPX-<client secret>"],
  },
  prefixed("google_oauth_access_token", "ya29.", B64URL, [20, 2048], {
    end: false,
    tp: [`ya29.a0AfH6SM${fake(b64url, 120, 38)}`],
    fp: ["ya29.short", "token=ya29.xxxxxxxxxxxxxxxxxxxxxxxx"],
  }),
  {
    name: "private_key",
    literals: ["-----BEGIN"],
    // The block up to its END line; without one (truncated, or longer than 16 KiB) the finding
    // runs to the end of the base64 body so redaction still removes the key material. A header
    // with no body (code that looks for one: `indexOf("-----BEGIN PRIVATE KEY-----")`) is none.
    source:
      `-----BEGIN${PEM_LABEL}(?:${PEM_BODY}{32,16384}?-----END${PEM_LABEL}|${PEM_BODY}{32,16384})`,
    maxLength: 16526,
    slack: 72,
    leftBoundary: "none",
    shown: 4,
    tp: [
      PEM,
      PEM.replaceAll("RSA ", "OPENSSH "),
      PEM.replaceAll("RSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK"),
    ],
    fp: [
      "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----BEGIN CERTIFICATE-----",
      'if (pem.indexOf("-----BEGIN PRIVATE KEY-----") !== 0) throw new TypeError("not PKCS#8");',
      "const header = `-----BEGIN OPENSSH PRIVATE KEY-----\\n${body}`;",
    ],
  },
  {
    name: "jwt",
    literals: ["eyJ"],
    source: `eyJ${B64URL}{7,1021}\\.${B64URL}{2,16384}\\.${B64URL}{0,1024}`,
    maxLength: 18434,
    leftBoundary: "base64url",
    shown: 3,
    reject: publicJwt,
    tp: [JWT],
    fp: [
      "eyJhbGciOiJIUzI1NiJ9 and eyJ.eyJ.x",
      // Unsigned (alg none) and anonymous-role tokens authenticate nothing beyond the public.
      `${b64u({ alg: "none", typ: "JWT" })}.${b64u({ sub: "1234567890", admin: true })}.`,
      `${b64u({ alg: "HS256", typ: "JWT" })}.${b64u({ iss: "supabase", role: "anon" })}.${
        fake(b64url, 43, 94)
      }`,
    ],
  },
  {
    name: "npm_token",
    literals: ["npm_"],
    source: `npm_${NOT_REPEATED}[A-Za-z0-9]{36}(?![A-Za-z0-9])`,
    maxLength: 40,
    leftBoundary: "alnum",
    shown: 4,
    tp: [`npm_${fake(alnum, 36, 39)}`],
    fp: [`npm_${fake(alnum, 37, 39)}`, "NPM_TOKEN=npm_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
  },
  prefixed("pypi_token", "pypi-AgEIcHlwaS5vcmc", B64URL, [50, 1000], {
    end: false,
    shown: 5,
    tp: [`pypi-AgEIcHlwaS5vcmc${fake(b64url, 70, 40)}`],
    fp: ["pypi-AgEIcHlwaS5vcmc..."],
  }),
  {
    name: "huggingface_token",
    literals: ["hf_", "api_org_"],
    source: `(?:hf_|api_org_)${NOT_REPEATED}[A-Za-z]{34}(?![A-Za-z0-9])`,
    maxLength: 42,
    leftBoundary: "alnum",
    shown: 3,
    tp: [`hf_${fake(LETTERS, 34, 41)}`, `api_org_${fake(LETTERS, 34, 44)}`],
    fp: ["HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "hf_hub_download(repo_id)"],
  },
  {
    name: "sendgrid_api_key",
    literals: ["SG."],
    source: `SG\\.${NOT_REPEATED}${B64URL}{22}\\.${B64URL}{43}`,
    maxLength: 69,
    leftBoundary: "alnum",
    shown: 3,
    tp: [`SG.${fake(b64url, 22, 42)}.${fake(b64url, 43, 43)}`],
    fp: ["SG.xxxxx.yyyyy", "SENDGRID_API_KEY=SG.your-key"],
  },
];
