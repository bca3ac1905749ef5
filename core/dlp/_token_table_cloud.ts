/**
 * `token_patterns` table, part 2: cloud and infrastructure providers, observability, databases
 * and credentials inside URLs.
 */
import {
  ALNUM,
  B64,
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

const { alnum, b64, b64url, hex, upper, lower } = CHARS;
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const fakeUuid = (seed: number) =>
  [8, 4, 4, 4, 12].map((n, i) => fake(hex, n, seed * 10 + i)).join("-");
/** Characters of an Azure AD client secret. */
const AZURE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-";
/** URL userinfo and password characters: no separators, quotes, or template syntax. */
const USERINFO = "[^\\s:/?#@\"'`<>\\[\\]{}$\\\\]";
/** Rejects passwords that documentation and test fixtures use, followed by `end`. */
function notPlaceholder(end: string, other: string): string {
  return "(?!(?:pass(?:word|wd)?|pwd|secret|changeme|changeit|example|postgres|root|admin|guest|" +
    `test|user|redis|mysql|mongo|anonymous|your${other}{0,40}|x{1,64}|\\*{1,64})${end})`;
}

/** Cloud, infrastructure and observability credentials. */
export const CLOUD_TOKENS: readonly TokenSpec[] = [
  prefixed("aws_session_token", ["FwoGZXIvYXdz", "IQoJb3JpZ2lu"], "[A-Za-z0-9+/=]", [
    100,
    3000,
  ], {
    shown: 4,
    tp: [`FwoGZXIvYXdzE${fake(b64, 300, 100)}==`, `IQoJb3JpZ2luX2Vj${fake(b64, 500, 101)}`],
    fp: ["aws_session_token = FwoGZXIvYXdz...", `IQoJb3JpZ2lu${fake(b64, 50, 101)}`],
  }),
  prefixed(
    "aws_bedrock_api_key",
    ["ABSKQmVkcm9ja0FQSUtleS", "bedrock-api-key-"],
    "[A-Za-z0-9+/=]",
    [
      40,
      3000,
    ],
    {
      shown: 4,
      tp: [
        `ABSKQmVkcm9ja0FQSUtleS${fake(b64, 110, 102)}`,
        `bedrock-api-key-${fake(b64, 600, 103)}`,
      ],
      fp: ["AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-your-key-here", "ABSKQmVkcm9ja0FQSUtleS"],
    },
  ),
  {
    name: "gcp_service_account_key_id",
    literals: ["private_key_id"],
    source: `private_key_id["']?[ \\t]{0,4}[:=][ \\t]{0,4}["']?(${NOT_REPEATED}[0-9a-f]{40})` +
      "(?![A-Za-z0-9])",
    maxLength: 66,
    leftBoundary: "alnum",
    shown: 0,
    valueGroup: true,
    tp: [['{"type": "service_account", "private_key_id": "', fake(hex, 40, 104), '"}']],
    fp: ['"private_key_id": "<your key id>"', `private_key_id: ${fake(hex, 32, 104)}`],
  },
  prefixed("google_oauth_refresh_token", "1//0", B64URL, [40, 512], {
    shown: 4,
    tp: [`1//0${fake(b64url, 100, 105)}`],
    fp: ["x = 1//0  # ZeroDivisionError", "1//0abc"],
  }),
  {
    name: "azure_ad_client_secret",
    // Three characters, a digit, `Q~`, then 31 to 34 more. The literal is `Q~` and the character
    // after it (no base64 or prose bigram looks it up); the four characters before it come from
    // a lookbehind.
    literals: Array.from(AZURE_CHARS, (c) => `Q~${c}`),
    source: "(?<=(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}[0-9]))Q~" +
      `${NOT_REPEATED}[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])`,
    maxLength: 36,
    leftBoundary: "none",
    shown: 0,
    valueGroup: true,
    tp: [`${fake(alnum, 3, 106)}8Q~${fake(b64url, 34, 107)}`],
    fp: ["AZURE_CLIENT_SECRET=abc8Q~short", `${fake(alnum, 5, 106)}8Q~${fake(b64url, 34, 107)}`],
  },
  {
    name: "azure_storage_key",
    literals: ["AccountKey=", "SharedAccessKey="],
    source:
      `(?:AccountKey|SharedAccessKey)=(${NOT_REPEATED}${B64}{40,100}={0,2})(?![A-Za-z0-9+/=])`,
    maxLength: 118,
    leftBoundary: "alnum",
    shown: 0,
    valueGroup: true,
    tp: [
      [
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=",
        `${fake(b64, 86, 108)}==`,
        ";EndpointSuffix=core.windows.net",
      ],
      ["Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=", `${fake(b64, 43, 109)}=`],
    ],
    fp: ["AccountName=devstoreaccount1;AccountKey=<key>", "AccountKey=${AZURE_STORAGE_KEY}"],
  },
  {
    name: "azure_sas_token",
    literals: ["sv=20"],
    source: "sv=20[0-9]{2}-[0-9]{2}-[0-9]{2}&[A-Za-z0-9=&%:._-]{0,300}?sig=" +
      `(${NOT_REPEATED}[A-Za-z0-9%+/]{30,120}={0,2})(?![A-Za-z0-9%+/=])`,
    maxLength: 450,
    leftBoundary: "alnum",
    shown: 0,
    valueGroup: true,
    tp: [[
      "https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=",
      `${fake(b64, 43, 110)}%3D`,
    ]],
    fp: ["?sv=2022-11-02&ss=b&sig=<signature>", "sv=2021 sig=abc"],
  },
  prefixed("alibaba_access_key_id", "LTAI", ALNUM, [12, 30], {
    tp: [`LTAI${fake(alnum, 20, 111)}`],
    fp: [`LTAI${fake(alnum, 8, 111)}`, "ALIBABA_ACCESS_KEY_ID=LTAIxxxxxxxxxxxxxxxxxxxx"],
  }),
  prefixed("digitalocean_token", ["dop_v1_", "doo_v1_", "dor_v1_"], HEX, [64, 64], {
    tp: [`dop_v1_${fake(hex, 64, 113)}`, `dor_v1_${fake(hex, 64, 114)}`],
    fp: [`dop_v1_${fake(hex, 40, 113)}`, "DIGITALOCEAN_TOKEN=dop_v1_..."],
  }),
  prefixed("heroku_api_key", "HRKU-AA", B64URL, [50, 70], {
    tp: [`HRKU-AA${fake(b64url, 58, 115)}`],
    fp: ["HRKU-AA<your key>"],
  }),
  labelled("heroku_legacy_api_key", "heroku", UUID, 36, {
    tp: [["HEROKU_API_KEY=", fakeUuid(116)], ['"heroku_auth_token": "', fakeUuid(117), '"']],
    fp: [
      `HEROKU_APP_ID=${fakeUuid(116)}`,
      "HEROKU_API_KEY=00000000-0000-0000-0000-000000000000",
    ],
  }),
  prefixed("flyio_token", "fo1_", B64URL, [40, 50], {
    tp: [`fo1_${fake(b64url, 43, 118)}`],
    fp: [`fo1_${fake(b64url, 20, 118)}`],
  }),
  prefixed("flyio_macaroon", ["fm1a_", "fm1r_", "fm2_"], "[A-Za-z0-9+/=]", [100, 4000], {
    tp: [`fm2_${fake(b64, 400, 119)}`, `fm1r_${fake(b64, 120, 120)}`],
    fp: ["FLY_API_TOKEN=fm2_...", `fm2_${fake(b64, 60, 119)}`],
  }),
  prefixed("vercel_token", ["vcp_", "vck_"], ALNUM, [24, 100], {
    tp: [`vcp_${fake(alnum, 56, 121)}`],
    fp: ["vcp_short", "VERCEL_TOKEN=vcp_your_token_here"],
  }),
  labelled("vercel_legacy_token", "vercel", "[A-Za-z0-9]{24}", 24, {
    tp: [["VERCEL_TOKEN=", fake(alnum, 24, 122)]],
    fp: [`VERCEL_PROJECT_ID=prj_${fake(alnum, 24, 122)}`, "VERCEL_TOKEN=your-vercel-token"],
  }),
  prefixed("netlify_token", "nfp_", ALNUM, [30, 60], {
    tp: [`nfp_${fake(alnum, 36, 123)}`],
    fp: ["nfp_token"],
  }),
  labelled("netlify_legacy_token", "netlify", "[A-Za-z0-9_-]{40,46}", 46, {
    tp: [["NETLIFY_AUTH_TOKEN=", fake(b64url, 43, 124)]],
    fp: [`NETLIFY_SITE_ID=${fake(b64url, 43, 124)}`, "NETLIFY_AUTH_TOKEN=<token>"],
  }),
  labelled("cloudflare_api_key", "cloudflare", "[A-Za-z0-9_-]{37,40}", 40, {
    tp: [["CLOUDFLARE_API_TOKEN=", fake(b64url, 40, 125)], [
      "cloudflare_api_key: ",
      fake(hex, 37, 126),
    ]],
    fp: [`CLOUDFLARE_ACCOUNT_ID=${fake(hex, 32, 125)}`, "CLOUDFLARE_API_TOKEN=your-token"],
  }),
  {
    name: "cloudflare_origin_ca_key",
    literals: ["v1.0-"],
    source: `v1\\.0-${NOT_REPEATED}[0-9a-f]{24}-[0-9a-f]{146}(?![A-Za-z0-9])`,
    maxLength: 176,
    leftBoundary: "alnum",
    shown: 5,
    tp: [`v1.0-${fake(hex, 24, 127)}-${fake(hex, 146, 128)}`],
    fp: ["release v1.0-beta", `v1.0-${fake(hex, 24, 127)}`],
  },
  {
    name: "databricks_token",
    literals: ["dapi"],
    source: `dapi${NOT_REPEATED}[0-9a-f]{32}(?:-[0-9])?(?![A-Za-z0-9_-])`,
    maxLength: 38,
    leftBoundary: "alnum",
    shown: 4,
    tp: [`dapi${fake(hex, 32, 129)}`, `dapi${fake(hex, 32, 130)}-2`],
    fp: ["DATABRICKS_TOKEN=dapiXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", `dapi${fake(hex, 40, 129)}`],
  },
  {
    name: "doppler_token",
    literals: ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
    source: `dp\\.(?:pt|st|sa|ct|scim|audit)\\.${NOT_REPEATED}${ALNUM}{40,44}(?![A-Za-z0-9])`,
    maxLength: 53,
    leftBoundary: "alnum",
    shown: 6,
    tp: [`dp.pt.${fake(alnum, 43, 131)}`, `dp.st.${fake(alnum, 40, 132)}`],
    fp: ["DOPPLER_TOKEN=dp.pt.xxxx", `dp.pt.${fake(alnum, 50, 131)}`],
  },
  prefixed("vault_token", ["hvs.", "hvb.", "hvr."], B64URL, [24, 400], {
    tp: [`hvs.${fake(b64url, 95, 133)}`, `hvb.${fake(b64url, 140, 134)}`],
    fp: ["VAULT_TOKEN=hvs.your-token", `hvs.${fake(b64url, 12, 133)}`],
  }),
  {
    name: "terraform_cloud_token",
    literals: [".atlasv1."],
    // The 14-character id before `.atlasv1.` is part of the token: a lookbehind captures it.
    source: "(?<=(?<![A-Za-z0-9])([A-Za-z0-9]{14}))\\.atlasv1\\." +
      `${NOT_REPEATED}[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])`,
    maxLength: 79,
    leftBoundary: "none",
    shown: 0,
    valueGroup: true,
    tp: [`${fake(alnum, 14, 135)}.atlasv1.${fake(b64url, 67, 136)}`],
    fp: ['token = "xxxxxxxxxxxxxx.atlasv1.xxxxxxxx"', `${fake(alnum, 14, 135)}.atlasv1.short`],
  },
  {
    name: "pulumi_token",
    // `pul-` and the first hex digit: a 5-byte literal is looked up by a 4-gram, not a bigram.
    literals: Array.from(CHARS.hex, (h) => `pul-${h}`),
    source: `pul-${NOT_REPEATED}[0-9a-f]{40}(?![A-Za-z0-9])`,
    maxLength: 44,
    leftBoundary: "alnum",
    shown: 4,
    tp: [`pul-${fake(hex, 40, 137)}`],
    fp: [`pul-${fake(hex, 39, 137)}`, "PULUMI_ACCESS_TOKEN=pul-..."],
  },
  prefixed("planetscale_token", ["pscale_tkn_", "pscale_oauth_", "pscale_pw_"], "[A-Za-z0-9_=.-]", [
    32,
    64,
  ], {
    tp: [`pscale_tkn_${fake(b64url, 43, 138)}`, `pscale_pw_${fake(b64url, 43, 139)}`],
    fp: ["pscale_pw_<password>", `pscale_tkn_${fake(b64url, 20, 138)}`],
  }),
  prefixed("supabase_key", ["sbp_", "sb_secret_"], B64URL, [30, 100], {
    tp: [`sbp_${fake(hex, 40, 140)}`, `sb_secret_${fake(b64url, 40, 141)}`],
    fp: ["SUPABASE_ACCESS_TOKEN=sbp_...", "sb_secret_key"],
  }),
  labelled("okta_api_token", "okta", "00[A-Za-z0-9_-]{40}", 42, {
    tp: [["OKTA_API_TOKEN=", `00${fake(b64url, 40, 142)}`]],
    fp: ["OKTA_API_TOKEN={yourOktaApiToken}", `OKTA_CLIENT_ID=00${fake(b64url, 40, 142)}`],
  }),
  labelled("datadog_key", ["datadog", "dd_ap", "dd-ap"], "[0-9a-f]{32,40}", 40, {
    tp: [["DD_API_KEY=", fake(hex, 32, 143)], ["datadog_app_key: ", fake(hex, 40, 144)]],
    fp: ["DD_API_KEY=<DATADOG_API_KEY>", `DD_SITE=${fake(hex, 32, 143)}`],
  }),
  prefixed("new_relic_key", ["NRAK-", "NRII-"], B64URL, [19, 40], {
    // NRJS- browser keys are public (they ship in web pages): not looked for.
    tp: [`NRAK-${fake(upper, 27, 145)}`, `NRII-${fake(b64url, 32, 146)}`],
    fp: ["NEW_RELIC_API_KEY=NRAK-...", "NRAK-SHORT"],
  }),
  prefixed("sentry_token", ["sntryu_", "sntrys_"], "[A-Za-z0-9+/=_]", [40, 600], {
    leftBoundary: "base64url",
    tp: [
      `sntryu_${fake(hex, 64, 147)}`,
      `sntrys_eyJpYXQiO${fake(b64, 150, 148)}_${fake(b64, 43, 149)}`,
    ],
    fp: ["SENTRY_AUTH_TOKEN=sntryu_...", "sntrys_token"],
  }),
  prefixed("grafana_token", ["glc_", "glsa_"], "[A-Za-z0-9+/=_]", [32, 400], {
    leftBoundary: "base64url",
    tp: [`glc_${fake(b64, 120, 150)}`, `glsa_${fake(alnum, 32, 151)}_${fake(hex, 8, 152)}`],
    fp: ["GRAFANA_TOKEN=glsa_...", `glc_${fake(b64, 20, 150)}`],
  }),
  prefixed("grafana_api_key", "eyJrIjoi", ALNUM, [40, 400], {
    tp: [`eyJrIjoi${fake(alnum, 90, 153)}`],
    fp: [`eyJrIjoi${fake(alnum, 20, 153)}`],
  }),
  {
    name: "dynatrace_token",
    literals: ["dt0c01."],
    source: `dt0c01\\.${NOT_REPEATED}${UPPER_ALNUM}{24}\\.${ALNUM}{64}(?![A-Za-z0-9])`,
    maxLength: 96,
    leftBoundary: "alnum",
    shown: 7,
    tp: [`dt0c01.${fake(upper, 24, 154)}.${fake(upper, 64, 155)}`],
    fp: ["DT_API_TOKEN=dt0c01.XXXXXXXXXXXXXXXXXXXXXXXX.YYYY"],
  },
  prefixed("docker_hub_token", ["dckr_pat_", "dckr_oat_"], B64URL, [20, 60], {
    tp: [`dckr_pat_${fake(b64url, 27, 156)}`],
    fp: ["DOCKER_TOKEN=dckr_pat_...", "dckr_pat_short"],
  }),
  prefixed("neon_api_key", "napi_", "[a-z0-9]", [60, 80], {
    tp: [`napi_${fake(lower, 64, 158)}`],
    fp: ["napi_create_function(env, ...)"],
  }),
  prefixed("scalingo_token", "tk-us-", B64URL, [48, 48], {
    tp: [`tk-us-${fake(b64url, 48, 159)}`],
    fp: [`tk-us-${fake(b64url, 30, 159)}`],
  }),
  prefixed("openshift_token", "sha256~", B64URL, [43, 43], {
    tp: [`sha256~${fake(b64url, 43, 160)}`],
    fp: ["sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  }),
  prefixed("octopus_deploy_api_key", "API-", UPPER_ALNUM, [26, 26], {
    lookahead: "(?=[A-Z]{0,25}[0-9])",
    tp: [`API-${fake(upper, 26, 164)}`],
    fp: ["X-API-VERSION", "API-KEYREQUIREDFORTHISCALLNOW"],
  }),
  prefixed("artifactory_api_key", "AKCp", ALNUM, [60, 80], {
    tp: [`AKCp${fake(alnum, 69, 165)}`],
    fp: [`AKCp${fake(alnum, 30, 165)}`],
  }),
  prefixed("clickhouse_api_secret", "4b1d", ALNUM, [38, 38], {
    lookahead: "(?=[a-z0-9]{0,37}[A-Z])",
    tp: [`4b1d${fake(alnum, 38, 166)}`],
    fp: [`4b1d${fake(hex, 38, 166)} is a hex digest`],
  }),
  prefixed("buildkite_token", "bkua_", HEX, [40, 40], {
    tp: [`bkua_${fake(hex, 40, 168)}`],
    fp: ["BUILDKITE_API_TOKEN=bkua_..."],
  }),
  prefixed("circleci_token", "CCIPAT_", B64URL, [30, 80], {
    tp: [`CCIPAT_${fake(alnum, 22, 169)}_${fake(hex, 40, 170)}`],
    fp: ["CIRCLE_TOKEN=CCIPAT_..."],
  }),
  {
    name: "url_credentials",
    literals: ["://"],
    // `scheme://user:password@host` (database URLs, basic auth): only the password is reported.
    source: `://(?!(?:user(?:name)?|anonymous|foo|me|someone):)${USERINFO}{1,64}:${
      notPlaceholder("@", "[^@]")
    }(${NOT_REPEATED}${USERINFO}{6,128})(?=@)`,
    ignoreCase: true,
    maxLength: 196,
    leftBoundary: "none",
    shown: 0,
    valueGroup: true,
    tp: [
      ["postgres://app:", `Pg-${fake(alnum, 16, 171)}`, "@db.internal:5432/app"],
      ["mongodb+srv://svc:", fake(alnum, 20, 172), "@cluster0.mongodb.net/prod"],
      ["redis://default:", fake(alnum, 24, 173), "@cache:6379/0"],
      ["https://deploy:", `${fake(alnum, 12, 174)}%40${fake(alnum, 6, 175)}`, "@git.corp/x.git"],
      ["mysql://root:", fake(alnum, 14, 176), "@127.0.0.1:3306/db"],
    ],
    fp: [
      "postgres://user:password@localhost/db mysql://root:root@localhost",
      "mongodb://<username>:<password>@cluster0.mongodb.net",
      "redis://:${REDIS_PASSWORD}@redis:6379 amqp://guest:guest@localhost:5672",
      "https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/o/r.git",
      "http://[::1]:8080/ https://example.com:443/a@b postgres://postgres:postgres@db",
      "https://user:your-password-here@example.com ftp://anonymous:anonymous@ftp.test",
      'url.parse("https://anonymous:flabada@developer.test") http://user:hunter2@allowed.test',
    ],
  },
  {
    name: "jdbc_password",
    literals: ["jdbc:"],
    source: "jdbc:[^\\s\"'<>]{0,200}?[?&;]password=" +
      `${notPlaceholder("(?:[&;\\s\"'<>]|$)", "[^&;\\s]")}(${NOT_REPEATED}[^\\s&;"'<>]{6,128})` +
      "(?![^\\s&;\"'<>])",
    ignoreCase: true,
    maxLength: 343,
    leftBoundary: "alnum",
    shown: 0,
    valueGroup: true,
    tp: [["jdbc:mysql://db:3306/app?user=svc&password=", fake(alnum, 18, 177), "&useSSL=true"]],
    fp: ["jdbc:postgresql://localhost/test?user=test&password=test", "jdbc:h2:mem:test"],
  },
];
