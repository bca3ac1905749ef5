/**
 * `token_patterns` table, part 3: SaaS and developer tools, AI providers, messaging, payments and
 * key formats of encryption tools.
 */
import {
  ALNUM,
  B64URL,
  CHARS,
  fake,
  HEX,
  labelled,
  NOT_REPEATED,
  prefixed,
  type TokenSpec,
  UPPER_ALNUM,
} from "./_token_spec.ts";

const { alnum, b64, b64url, hex, upper, lower, digits } = CHARS;
const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/** SaaS, developer-tool and AI-provider credentials. */
export const SAAS_TOKENS: readonly TokenSpec[] = [
  prefixed("gitlab_token", ["glcbt-", "glagent-"], "[A-Za-z0-9_-]", [
    20,
    255,
  ], {
    end: false,
    leftBoundary: "base64url",
    tp: [
      `glagent-${fake(b64url, 50, 200)}`,
      `glcbt-${fake(alnum, 2, 201)}_${fake(b64url, 20, 201)}`,
    ],
    fp: ["glft-short", "GITLAB_FEED_TOKEN=glft-..."],
  }),
  prefixed("linear_api_key", ["lin_api_", "lin_oauth_"], ALNUM, [32, 80], {
    tp: [`lin_api_${fake(alnum, 40, 202)}`, `lin_oauth_${fake(hex, 64, 203)}`],
    fp: ["LINEAR_API_KEY=lin_api_...", "lin_api_version"],
  }),
  prefixed("atlassian_api_token", ["ATATT3", "ATCTT3"], "[A-Za-z0-9_=-]", [150, 300], {
    tp: [`ATATT3xFfGF0${fake(b64url, 180, 204)}=${fake(hex, 8, 205)}`],
    fp: ["JIRA_API_TOKEN=ATATT3...", `ATATT3${fake(b64url, 40, 204)}`],
  }),
  prefixed("bitbucket_app_password", "ATBB", "[A-Za-z0-9_=.-]", [28, 40], {
    tp: [`ATBB${fake(alnum, 32, 206)}`],
    fp: ["ATBB-your-app-password", `ATBB${fake(alnum, 50, 206)}`],
  }),
  prefixed("shopify_token", ["shpat_", "shpca_", "shppa_", "shpss_"], "[a-fA-F0-9]", [32, 32], {
    tp: [`shpat_${fake(hex, 32, 207)}`, `shpss_${fake(hex, 32, 208)}`],
    fp: [
      "SHOPIFY_ACCESS_TOKEN=shpat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      `shpat_${fake(hex, 31, 207)}`,
    ],
  }),
  prefixed("square_token", ["sq0atp-", "sq0csp-"], B64URL, [22, 60], {
    tp: [`sq0atp-${fake(b64url, 22, 209)}`, `sq0csp-${fake(b64url, 43, 210)}`],
    fp: ["SQUARE_ACCESS_TOKEN=sq0atp-...", "sq0atp-short"],
  }),
  labelled("twilio_api_key", "twilio", "(?:SK)?[0-9a-f]{32}", 34, {
    tp: [["TWILIO_API_KEY=", `SK${fake(hex, 32, 211)}`], [
      "TWILIO_AUTH_TOKEN=",
      fake(hex, 32, 212),
    ]],
    fp: [`TWILIO_ACCOUNT_SID=AC${fake(hex, 32, 212)}`, "TWILIO_AUTH_TOKEN=your_auth_token"],
  }),
  labelled("mailgun_api_key", "mailgun", "(?:key-)?[0-9a-f]{32}(?:-[0-9a-f]{8}-[0-9a-f]{8})?", 54, {
    tp: [["MAILGUN_API_KEY=", `key-${fake(hex, 32, 213)}`], [
      "mailgun_api_key: ",
      `${fake(hex, 32, 214)}-${fake(hex, 8, 215)}-${fake(hex, 8, 216)}`,
    ]],
    fp: ["MAILGUN_API_KEY=key-xxxx", `MAILGUN_DOMAIN_ID=${fake(hex, 32, 213)}`],
  }),
  labelled("mailchimp_api_key", "mailchimp", "[0-9a-f]{32}-us[0-9]{1,2}", 37, {
    tp: [["MAILCHIMP_API_KEY=", `${fake(hex, 32, 217)}-us21`]],
    fp: ["MAILCHIMP_API_KEY=your-api-key-us21", `MAILCHIMP_LIST_ID=${fake(hex, 32, 217)}`],
  }),
  {
    name: "brevo_api_key",
    literals: ["xkeysib-", "xsmtpsib-"],
    source: `x(?:keysib|smtpsib)-${NOT_REPEATED}[0-9a-f]{64}-${ALNUM}{16}(?![A-Za-z0-9])`,
    maxLength: 90,
    leftBoundary: "alnum",
    shown: 8,
    tp: [`xkeysib-${fake(hex, 64, 218)}-${fake(alnum, 16, 219)}`],
    fp: ["BREVO_API_KEY=xkeysib-..."],
  },
  {
    name: "postman_api_key",
    literals: ["PMAK-"],
    source: `PMAK-${NOT_REPEATED}[0-9a-f]{24}-[0-9a-f]{34}(?![A-Za-z0-9])`,
    maxLength: 64,
    leftBoundary: "alnum",
    shown: 5,
    tp: [`PMAK-${fake(hex, 24, 220)}-${fake(hex, 34, 221)}`],
    fp: ["POSTMAN_API_KEY=PMAK-xxxxxxxx", `PMAK-${fake(hex, 24, 220)}`],
  },
  {
    name: "discord_webhook",
    literals: ["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
    source: "discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/" +
      `${NOT_REPEATED}${B64URL}{60,70}(?![A-Za-z0-9_-])`,
    maxLength: 119,
    leftBoundary: "alnum",
    shown: 7,
    tp: [`discord.com/api/webhooks/${fake(digits, 19, 225)}/${fake(b64url, 68, 226)}`],
    fp: ["https://discord.com/api/webhooks/{webhook.id}/{webhook.token}"],
  },
  {
    name: "telegram_bot_token",
    literals: [":AA"],
    // The bot's numeric id before `:AA` is half of the token: a lookbehind captures it.
    source: `(?<=(?<![0-9])([0-9]{5,12})):AA${NOT_REPEATED}${B64URL}{30,40}(?![A-Za-z0-9_-])`,
    maxLength: 43,
    leftBoundary: "none",
    shown: 0,
    valueGroup: true,
    tp: [`7${fake(digits, 9, 227)}:AA${fake(b64url, 33, 228)}`],
    fp: ["TELEGRAM_BOT_TOKEN=123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", "12:AAbbcc"],
  },
  {
    name: "dropbox_short_lived_token",
    literals: ["sl."],
    source: `sl\\.(?:u\\.)?${NOT_REPEATED}${B64URL}{130,1500}(?![A-Za-z0-9_-])`,
    maxLength: 1505,
    leftBoundary: "base64url",
    shown: 3,
    tp: [`sl.u.${fake(b64url, 140, 230)}`, `sl.B${fake(b64url, 138, 231)}`],
    fp: ["tsl.min.js sl.short", `sl.${fake(b64url, 60, 230)}`],
  },
  prefixed("notion_token", "ntn_", ALNUM, [40, 50], {
    tp: [`ntn_${fake(digits, 11, 239)}${fake(alnum, 35, 240)}`],
    fp: ["NOTION_TOKEN=ntn_...", `ntn_${fake(alnum, 20, 239)}`],
  }),
  prefixed("figma_token", "figd_", B64URL, [30, 80], {
    tp: [`figd_${fake(b64url, 40, 242)}`],
    fp: ["FIGMA_TOKEN=figd_...", "figd_short"],
  }),
  prefixed("replicate_api_token", "r8_", ALNUM, [30, 50], {
    tp: [`r8_${fake(alnum, 37, 243)}`],
    fp: ["REPLICATE_API_TOKEN=r8_...", "r8_short"],
  }),
  prefixed("groq_api_key", "gsk_", ALNUM, [40, 64], {
    tp: [`gsk_${fake(alnum, 52, 244)}`],
    fp: ["GROQ_API_KEY=gsk_...", "gsk_short"],
  }),
  prefixed("xai_api_key", "xai-", ALNUM, [60, 100], {
    tp: [`xai-${fake(alnum, 80, 245)}`],
    fp: ["XAI_API_KEY=xai-...", "xai-grok-beta"],
  }),
  prefixed("perplexity_api_key", "pplx-", ALNUM, [40, 64], {
    tp: [`pplx-${fake(alnum, 48, 246)}`],
    fp: ["PERPLEXITY_API_KEY=pplx-...", "pplx-70b-online"],
  }),
  labelled("cohere_api_key", "cohere", "[A-Za-z0-9]{40}", 40, {
    tp: [["COHERE_API_KEY=", fake(alnum, 40, 248)]],
    fp: ["COHERE_API_KEY=your-api-key", `COHERE_MODEL=${fake(alnum, 40, 247)}`],
  }),
  labelled("mistral_api_key", "mistral", "[A-Za-z0-9]{32}", 32, {
    tp: [["MISTRAL_API_KEY=", fake(alnum, 32, 249)]],
    fp: ["MISTRAL_API_KEY=<your key>", `mistral_model: ${fake(alnum, 32, 249)}`],
  }),
  prefixed("openrouter_api_key", "sk-or-v1-", HEX, [64, 64], {
    tp: [`sk-or-v1-${fake(hex, 64, 250)}`],
    fp: ["OPENROUTER_API_KEY=sk-or-v1-...", `sk-or-v1-${fake(hex, 40, 250)}`],
  }),
  {
    name: "langsmith_api_key",
    literals: ["lsv2_pt_", "lsv2_sk_"],
    source: `lsv2_(?:pt|sk)_${NOT_REPEATED}[0-9a-f]{32}_[0-9a-f]{10}(?![A-Za-z0-9])`,
    maxLength: 51,
    leftBoundary: "alnum",
    shown: 8,
    tp: [`lsv2_pt_${fake(hex, 32, 251)}_${fake(hex, 10, 252)}`],
    fp: ["LANGSMITH_API_KEY=lsv2_pt_..."],
  },
  prefixed("tavily_api_key", "tvly-", "[A-Za-z0-9-]", [32, 48], {
    tp: [`tvly-${fake(alnum, 32, 253)}`, `tvly-dev-${fake(alnum, 32, 254)}`],
    fp: ["TAVILY_API_KEY=tvly-..."],
  }),
  prefixed("pinecone_api_key", "pcsk_", "[A-Za-z0-9_]", [40, 120], {
    tp: [`pcsk_${fake(alnum, 5, 255)}_${fake(alnum, 64, 256)}`],
    fp: ["PINECONE_API_KEY=pcsk_..."],
  }),
  prefixed("age_secret_key", "AGE-SECRET-KEY-1", `[${BECH32.toUpperCase()}]`, [58, 58], {
    shown: 15,
    tp: [`AGE-SECRET-KEY-1${fake(BECH32.toUpperCase(), 58, 257)}`],
    fp: ["AGE-SECRET-KEY-1... (see age-keygen)"],
  }),
  {
    name: "onepassword_secret_key",
    literals: ["A3-"],
    source:
      `A3-(?=[A-Z0-9-]{0,34}[0-9])${UPPER_ALNUM}{6}-(?:${UPPER_ALNUM}{11}|${UPPER_ALNUM}{6}-${UPPER_ALNUM}{5})` +
      `-${UPPER_ALNUM}{5}-${UPPER_ALNUM}{5}-${UPPER_ALNUM}{5}(?![A-Za-z0-9])`,
    maxLength: 42,
    leftBoundary: "alnum",
    shown: 3,
    tp: [
      `A3-${fake(upper, 6, 258)}-${fake(upper, 11, 259)}-${fake(upper, 5, 260)}-${
        fake(upper, 5, 261)
      }-${fake(upper, 5, 262)}`,
    ],
    fp: ["A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX", "paper size A3-landscape"],
  },
  prefixed("onepassword_service_account_token", "ops_eyJ", "[A-Za-z0-9+/=]", [250, 4000], {
    shown: 4,
    tp: [`ops_eyJ${fake(b64, 300, 263)}`],
    fp: ["OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ...", `ops_eyJ${fake(b64, 100, 263)}`],
  }),
  {
    name: "sourcegraph_token",
    literals: ["sgp_"],
    source: `sgp_${NOT_REPEATED}(?:[0-9a-f]{16}_|local_)?[0-9a-f]{40}(?![A-Za-z0-9])`,
    maxLength: 61,
    leftBoundary: "alnum",
    shown: 4,
    tp: [`sgp_${fake(hex, 16, 264)}_${fake(hex, 40, 265)}`, `sgp_${fake(hex, 40, 266)}`],
    fp: ["SRC_ACCESS_TOKEN=sgp_...", `sgp_${fake(hex, 30, 266)}`],
  },
  prefixed("frameio_token", "fio-u-", "[A-Za-z0-9_=-]", [64, 64], {
    tp: [`fio-u-${fake(b64url, 64, 267)}`],
    fp: ["fio-u-<token>"],
  }),
  {
    name: "flutterwave_secret_key",
    literals: ["FLWSECK"],
    source: `FLWSECK(?:_TEST)?-${NOT_REPEATED}[0-9a-f]{12,32}(?:-X)?(?![A-Za-z0-9])`,
    maxLength: 47,
    leftBoundary: "alnum",
    shown: 8,
    tp: [`FLWSECK_TEST-${fake(hex, 32, 268)}-X`, `FLWSECK-${fake(hex, 32, 269)}-X`],
    fp: ["FLW_SECRET_KEY=FLWSECK_TEST-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-X"],
  },
  prefixed("adobe_client_secret", "p8e-", ALNUM, [32, 32], {
    tp: [`p8e-${fake(alnum, 32, 270)}`],
    fp: ["ADOBE_CLIENT_SECRET=p8e-..."],
  }),
  prefixed("contentful_pat", "CFPAT-", B64URL, [40, 50], {
    tp: [`CFPAT-${fake(b64url, 43, 272)}`],
    fp: ["CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-..."],
  }),
  {
    name: "mapbox_secret_token",
    literals: ["sk.eyJ"],
    source: `sk\\.eyJ${NOT_REPEATED}${B64URL}{20,400}\\.${B64URL}{20,40}(?![A-Za-z0-9_-])`,
    maxLength: 447,
    leftBoundary: "alnum",
    shown: 3,
    tp: [`sk.eyJ1Ijoi${fake(b64url, 60, 274)}.${fake(b64url, 22, 275)}`],
    fp: ["pk.eyJ1IjoiZXhhbXBsZSJ9.public_token_is_fine", "MAPBOX_TOKEN=sk.eyJ..."],
  },
  prefixed("readme_api_key", "rdme_", "[a-z0-9]", [70, 70], {
    tp: [`rdme_${fake(lower, 70, 277)}`],
    fp: ["rdme_xxx"],
  }),
  prefixed("rubygems_api_key", "rubygems_", HEX, [48, 48], {
    tp: [`rubygems_${fake(hex, 48, 278)}`],
    fp: ["rubygems_api_key: rubygems_..."],
  }),
  prefixed("clojars_token", "CLOJARS_", "[a-z0-9]", [60, 60], {
    tp: [`CLOJARS_${fake(lower, 60, 279)}`],
    fp: ["CLOJARS_USERNAME=me CLOJARS_PASSWORD=<deploy token>"],
  }),
  {
    name: "duffel_api_key",
    literals: ["duffel_live_", "duffel_test_"],
    source: `duffel_(?:live|test)_${NOT_REPEATED}[A-Za-z0-9_=-]{43}(?![A-Za-z0-9_=-])`,
    maxLength: 55,
    leftBoundary: "alnum",
    shown: 12,
    tp: [`duffel_live_${fake(b64url, 43, 280)}`],
    fp: ["DUFFEL_TOKEN=duffel_test_..."],
  },
  prefixed("easypost_api_key", ["EZAK", "EZTK"], ALNUM, [54, 54], {
    tp: [`EZAK${fake(alnum, 54, 281)}`],
    fp: [`EZAK${fake(alnum, 20, 281)}`],
  }),
  prefixed("typeform_api_key", "tfp_", "[A-Za-z0-9_.=-]", [59, 59], {
    leftBoundary: "base64url",
    tp: [`tfp_${fake(b64url, 59, 283)}`],
    fp: ["TYPEFORM_TOKEN=tfp_..."],
  }),
  prefixed("settlemint_token", ["sm_aat_", "sm_pat_", "sm_sat_"], ALNUM, [16, 16], {
    tp: [`sm_pat_${fake(alnum, 16, 284)}`],
    fp: [`sm_pat_${fake(alnum, 24, 284)}`],
  }),
  {
    name: "defined_networking_api_key",
    literals: ["dnkey-"],
    source: `dnkey-${NOT_REPEATED}[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}(?![A-Za-z0-9=_-])`,
    maxLength: 85,
    leftBoundary: "alnum",
    shown: 6,
    tp: [`dnkey-${fake(alnum, 26, 285)}-${fake(alnum, 52, 286)}`],
    fp: ["DN_API_KEY=dnkey-..."],
  },
  {
    name: "intra42_client_secret",
    literals: ["s-s4t2ud-", "s-s4t2af-"],
    source: `s-s4t2(?:ud|af)-${NOT_REPEATED}[0-9a-f]{64}(?![A-Za-z0-9])`,
    maxLength: 73,
    leftBoundary: "alnum",
    shown: 9,
    tp: [`s-s4t2ud-${fake(hex, 64, 287)}`],
    fp: ["s-s4t2ud-<secret>"],
  },
  prefixed("stripe_webhook_secret", "whsec_", "[A-Za-z0-9+/]", [32, 64], {
    tp: [`whsec_${fake(alnum, 32, 288)}`],
    fp: ["STRIPE_WEBHOOK_SECRET=whsec_...", `whsec_${fake(alnum, 20, 288)}`],
  }),
  prefixed(
    "tailscale_key",
    ["tskey-auth-", "tskey-api-", "tskey-client-", "tskey-scim-"],
    "[A-Za-z0-9-]",
    [24, 100],
    {
      leftBoundary: "base64url",
      tp: [`tskey-auth-${fake(alnum, 12, 289)}CNTRL-${fake(alnum, 33, 290)}`],
      fp: ["TS_AUTHKEY=tskey-auth-xxxxx", "tskey-auth-<key>"],
    },
  ),
  prefixed("langfuse_secret_key", "sk-lf-", "[0-9a-f-]", [36, 36], {
    tp: [
      `sk-lf-${fake(hex, 8, 291)}-${fake(hex, 4, 292)}-${fake(hex, 4, 293)}-${fake(hex, 4, 294)}-${
        fake(hex, 12, 295)
      }`,
    ],
    fp: ["LANGFUSE_SECRET_KEY=sk-lf-..."],
  }),
  prefixed(
    "plaid_access_token",
    ["access-sandbox-", "access-development-", "access-production-"],
    "[0-9a-f-]",
    [36, 36],
    {
      tp: [
        `access-production-${fake(hex, 8, 296)}-${fake(hex, 4, 297)}-${fake(hex, 4, 298)}-${
          fake(hex, 4, 299)
        }-${fake(hex, 12, 300)}`,
      ],
      fp: ["PLAID_ACCESS_TOKEN=access-sandbox-..."],
    },
  ),
  {
    name: "putty_private_key",
    literals: ["PuTTY-User-Key-File-"],
    // The header, then everything up to the private lines and their MAC: all of it is the key.
    source: "PuTTY-User-Key-File-[23]: [a-z0-9-]{3,40}[\\s\\S]{0,4096}?Private-Lines: [0-9]{1,3}" +
      "[\\s\\S]{0,8192}?Private-MAC: [0-9a-f]{40,64}",
    maxLength: 12400,
    slack: 72,
    leftBoundary: "none",
    shown: 5,
    tp: [
      "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: a\nPublic-Lines: 2\n" +
      `${fake(b64, 64, 301)}\nPrivate-Lines: 1\n${fake(b64, 44, 302)}\n` +
      `Private-MAC: ${fake(hex, 64, 303)}`,
    ],
    fp: ["Export the key with puttygen (PuTTY-User-Key-File-3 format) and keep it private."],
  },
];
