/**
 * Credential formats of many providers, as their documentation describes them (prefix, length,
 * alphabet), each with a fake value built by a seeded generator. Which providers to cover follows
 * the breadth of gitleaks' default rules; the values are ours. `key` is the name the credential is
 * usually filed under (its environment variable), used where a carrier needs one.
 */
import { b64url } from "./_encode.ts";
import { ALNUM, B64, B64URL, HEX, type Rng, UPPER_ALNUM } from "./_rng.ts";

/** One provider's format. */
export interface TokenFormat {
  /** Provider and kind, e.g. `github_pat_classic`. */
  name: string;
  /** The variable it is filed under. */
  key: string;
  /** A fake value in the format. */
  make(rng: Rng): string;
  /** The value has no distinctive prefix: only its label (the key) marks it as a credential. */
  keyed?: true;
}

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc ^= text.charCodeAt(i);
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(n: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** GitHub tokens: prefix, 30 random characters, and a base62 CRC32 of them (documented). */
function github(prefix: string): (rng: Rng) => string {
  return (rng) => {
    const body = rng.alnum(30);
    return `${prefix}${body}${base62(crc32(body), 6)}`;
  };
}

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

/** The formats. */
export const TOKEN_FORMATS: readonly TokenFormat[] = [
  {
    name: "aws_access_key_id",
    key: "AWS_ACCESS_KEY_ID",
    make: (r) => "AKIA" + r.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
  },
  {
    name: "aws_session_key_id",
    key: "AWS_ACCESS_KEY_ID",
    make: (r) => "ASIA" + r.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
  },
  {
    name: "aws_secret_access_key",
    key: "AWS_SECRET_ACCESS_KEY",
    make: (r) => r.str(B64, 40),
    keyed: true,
  },
  { name: "github_pat_classic", key: "GITHUB_TOKEN", make: github("ghp_") },
  { name: "github_oauth", key: "GH_OAUTH_TOKEN", make: github("gho_") },
  { name: "github_app_installation", key: "GITHUB_TOKEN", make: github("ghs_") },
  { name: "github_user_to_server", key: "GH_TOKEN", make: github("ghu_") },
  { name: "github_refresh", key: "GH_REFRESH_TOKEN", make: github("ghr_") },
  {
    name: "github_fine_grained",
    key: "GITHUB_PAT",
    make: (r) => `github_pat_11${r.str(UPPER_ALNUM, 20)}_${r.alnum(59)}`,
  },
  { name: "gitlab_pat", key: "GITLAB_TOKEN", make: (r) => "glpat-" + r.str(B64URL, 20) },
  {
    name: "gitlab_deploy_token",
    key: "CI_DEPLOY_PASSWORD",
    make: (r) => "gldt-" + r.str(B64URL, 20),
  },
  { name: "gitlab_runner_token", key: "RUNNER_TOKEN", make: (r) => "glrt-" + r.str(B64URL, 20) },
  { name: "gitlab_pipeline_trigger", key: "TRIGGER_TOKEN", make: (r) => "glptt-" + r.hex(40) },
  {
    name: "slack_bot_token",
    key: "SLACK_BOT_TOKEN",
    make: (r) => `xoxb-${r.digits(11)}-${r.digits(13)}-${r.alnum(24)}`,
  },
  {
    name: "slack_user_token",
    key: "SLACK_TOKEN",
    make: (r) => `xoxp-${r.digits(11)}-${r.digits(11)}-${r.digits(13)}-${r.hex(32)}`,
  },
  {
    name: "slack_app_token",
    key: "SLACK_APP_TOKEN",
    make: (r) => `xapp-1-A${r.str(UPPER_ALNUM, 10)}-${r.digits(13)}-${r.hex(64)}`,
  },
  {
    name: "slack_webhook",
    key: "SLACK_WEBHOOK_URL",
    make: (r) =>
      `https://hooks.slack.com/services/T${r.str(UPPER_ALNUM, 10)}/B${r.str(UPPER_ALNUM, 10)}/${
        r.alnum(24)
      }`,
  },
  {
    name: "stripe_live_secret",
    key: "STRIPE_SECRET_KEY",
    make: (r) => "sk_live_" + r.alnum(r.int(24, 99)),
  },
  {
    name: "stripe_restricted",
    key: "STRIPE_API_KEY",
    make: (r) => "rk_live_" + r.alnum(r.int(24, 99)),
  },
  {
    name: "stripe_webhook_secret",
    key: "STRIPE_WEBHOOK_SECRET",
    make: (r) => "whsec_" + r.alnum(32),
  },
  {
    name: "openai_project_key",
    key: "OPENAI_API_KEY",
    make: (r) => `sk-proj-${r.str(B64URL, 74)}T3BlbkFJ${r.str(B64URL, 74)}`,
  },
  {
    name: "openai_legacy_key",
    key: "OPENAI_API_KEY",
    make: (r) => `sk-${r.alnum(20)}T3BlbkFJ${r.alnum(20)}`,
  },
  {
    name: "openai_service_account",
    key: "OPENAI_API_KEY",
    make: (r) => `sk-svcacct-${r.str(B64URL, 74)}T3BlbkFJ${r.str(B64URL, 74)}`,
  },
  {
    name: "anthropic_api_key",
    key: "ANTHROPIC_API_KEY",
    make: (r) => `sk-ant-api03-${r.str(B64URL, 93)}AA`,
  },
  {
    name: "anthropic_admin_key",
    key: "ANTHROPIC_ADMIN_KEY",
    make: (r) => `sk-ant-admin01-${r.str(B64URL, 93)}AA`,
  },
  { name: "google_api_key", key: "GOOGLE_API_KEY", make: (r) => "AIza" + r.str(B64URL, 35) },
  {
    name: "google_oauth_client_secret",
    key: "GOOGLE_CLIENT_SECRET",
    make: (r) => "GOCSPX-" + r.str(B64URL, 28),
  },
  {
    name: "google_oauth_access_token",
    key: "GOOGLE_ACCESS_TOKEN",
    make: (r) => `ya29.a0${r.str(B64URL, 150)}`,
  },
  { name: "npm_token", key: "NPM_TOKEN", make: (r) => "npm_" + r.alnum(36) },
  {
    name: "pypi_token",
    key: "PYPI_TOKEN",
    make: (r) => "pypi-AgEIcHlwaS5vcmcC" + r.str(B64URL, 140),
  },
  { name: "rubygems_key", key: "GEM_HOST_API_KEY", make: (r) => "rubygems_" + r.hex(48) },
  {
    name: "huggingface_token",
    key: "HF_TOKEN",
    make: (r) => "hf_" + r.str("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 34),
  },
  {
    name: "sendgrid_key",
    key: "SENDGRID_API_KEY",
    make: (r) => `SG.${r.str(B64URL, 22)}.${r.str(B64URL, 43)}`,
  },
  { name: "twilio_api_key", key: "TWILIO_API_KEY", make: (r) => "SK" + r.hex(32) },
  {
    name: "mailchimp_key",
    key: "MAILCHIMP_API_KEY",
    make: (r) => `${r.hex(32)}-us${r.int(1, 21)}`,
  },
  { name: "mailgun_key", key: "MAILGUN_API_KEY", make: (r) => `key-${r.hex(32)}` },
  { name: "shopify_access_token", key: "SHOPIFY_ACCESS_TOKEN", make: (r) => "shpat_" + r.hex(32) },
  { name: "shopify_shared_secret", key: "SHOPIFY_API_SECRET", make: (r) => "shpss_" + r.hex(32) },
  { name: "digitalocean_pat", key: "DIGITALOCEAN_TOKEN", make: (r) => "dop_v1_" + r.hex(64) },
  { name: "digitalocean_oauth", key: "DO_OAUTH_TOKEN", make: (r) => "doo_v1_" + r.hex(64) },
  { name: "doppler_token", key: "DOPPLER_TOKEN", make: (r) => "dp.pt." + r.alnum(43) },
  { name: "databricks_token", key: "DATABRICKS_TOKEN", make: (r) => "dapi" + r.hex(32) },
  {
    name: "atlassian_api_token",
    key: "JIRA_API_TOKEN",
    make: (r) => `ATATT3xFfGF0${r.str(B64URL, 170)}=${r.str("0123456789ABCDEF", 8)}`,
  },
  {
    name: "azure_ad_client_secret",
    key: "AZURE_CLIENT_SECRET",
    make: (r) => `${r.alnum(3)}${r.int(0, 9)}Q~${r.str(ALNUM + "_~.-", 34)}`,
  },
  {
    name: "azure_storage_key",
    key: "AZURE_STORAGE_CONNECTION_STRING",
    make: (r) =>
      `DefaultEndpointsProtocol=https;AccountName=st${r.str(LOWER_ALNUM, 10)};AccountKey=${
        r.str(B64, 86)
      }==;EndpointSuffix=core.windows.net`,
  },
  { name: "heroku_api_key", key: "HEROKU_API_KEY", make: (r) => "HRKU-AA" + r.str(B64URL, 58) },
  { name: "linear_api_key", key: "LINEAR_API_KEY", make: (r) => "lin_api_" + r.alnum(40) },
  { name: "notion_token", key: "NOTION_TOKEN", make: (r) => "ntn_" + r.digits(11) + r.alnum(35) },
  {
    name: "postman_api_key",
    key: "POSTMAN_API_KEY",
    make: (r) => `PMAK-${r.hex(24)}-${r.hex(34)}`,
  },
  { name: "pulumi_token", key: "PULUMI_ACCESS_TOKEN", make: (r) => "pul-" + r.hex(40) },
  {
    name: "terraform_cloud_token",
    key: "TFE_TOKEN",
    make: (r) => `${r.alnum(14)}.atlasv1.${r.str(B64URL, 67)}`,
  },
  { name: "vault_service_token", key: "VAULT_TOKEN", make: (r) => "hvs." + r.str(B64URL, 90) },
  {
    name: "grafana_cloud_token",
    key: "GRAFANA_CLOUD_TOKEN",
    make: (r) => "glc_" + r.str(B64, 80) + "==",
  },
  {
    name: "grafana_service_account",
    key: "GRAFANA_TOKEN",
    make: (r) => `glsa_${r.alnum(32)}_${r.hex(8)}`,
  },
  {
    name: "newrelic_user_key",
    key: "NEW_RELIC_API_KEY",
    make: (r) => "NRAK-" + r.str(UPPER_ALNUM, 27),
  },
  {
    name: "sentry_org_token",
    key: "SENTRY_AUTH_TOKEN",
    make: (r) => "sntrys_eyJpYXQiOjE3" + r.str(B64, 120),
  },
  { name: "sentry_user_token", key: "SENTRY_AUTH_TOKEN", make: (r) => "sntryu_" + r.hex(64) },
  {
    name: "discord_bot_token",
    key: "DISCORD_TOKEN",
    make: (r) => `M${r.str(B64URL, 25)}.${r.str(B64URL, 6)}.${r.str(B64URL, 38)}`,
  },
  {
    name: "discord_webhook",
    key: "DISCORD_WEBHOOK",
    make: (r) => `https://discord.com/api/webhooks/${r.digits(18)}/${r.str(B64URL, 68)}`,
  },
  {
    name: "telegram_bot_token",
    key: "TELEGRAM_BOT_TOKEN",
    make: (r) => `${r.digits(10)}:AA${r.str(B64URL, 33)}`,
  },
  { name: "dropbox_token", key: "DROPBOX_TOKEN", make: (r) => "sl." + r.str(B64URL, 135) },
  { name: "flyio_token", key: "FLY_API_TOKEN", make: (r) => "fo1_" + r.str(B64URL, 43) },
  { name: "figma_token", key: "FIGMA_TOKEN", make: (r) => "figd_" + r.str(B64URL, 40) },
  {
    name: "alibaba_access_key",
    key: "ALIBABA_CLOUD_ACCESS_KEY_ID",
    make: (r) => "LTAI" + r.alnum(20),
  },
  {
    name: "age_secret_key",
    key: "SOPS_AGE_KEY",
    make: (r) => "AGE-SECRET-KEY-1" + r.str("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
  },
  {
    name: "square_access_token",
    key: "SQUARE_ACCESS_TOKEN",
    make: (r) => "EAAA" + r.str(B64URL, 60),
  },
  {
    name: "planetscale_token",
    key: "PLANETSCALE_TOKEN",
    make: (r) => "pscale_tkn_" + r.str(B64URL, 43),
  },
  { name: "supabase_pat", key: "SUPABASE_ACCESS_TOKEN", make: (r) => "sbp_" + r.hex(40) },
  { name: "airtable_pat", key: "AIRTABLE_TOKEN", make: (r) => `pat${r.alnum(14)}.${r.hex(64)}` },
  {
    name: "okta_api_token",
    key: "OKTA_API_TOKEN",
    make: (r) => "00" + r.str(B64URL, 40),
    keyed: true,
  },
  { name: "prefect_api_key", key: "PREFECT_API_KEY", make: (r) => "pnu_" + r.alnum(36) },
  {
    name: "readme_api_key",
    key: "README_API_KEY",
    make: (r) => "rdme_" + r.str("abcdefghijklmnopqrstuvwxyz0123456789", 70),
  },
  {
    name: "contentful_pat",
    key: "CONTENTFUL_MANAGEMENT_TOKEN",
    make: (r) => "CFPAT-" + r.str(B64URL, 43),
  },
  {
    name: "dynatrace_token",
    key: "DT_API_TOKEN",
    make: (r) => `dt0c01.${r.str(UPPER_ALNUM, 24)}.${r.str(UPPER_ALNUM, 64)}`,
  },
  {
    name: "mapbox_secret_token",
    key: "MAPBOX_SECRET_TOKEN",
    make: (r) => `sk.eyJ1Ijoi${r.str(B64URL, 40)}.${r.str(B64URL, 22)}`,
  },
  { name: "jfrog_api_key", key: "ARTIFACTORY_API_KEY", make: (r) => "AKCp" + r.alnum(69) },
  { name: "openshift_token", key: "OPENSHIFT_TOKEN", make: (r) => "sha256~" + r.str(B64URL, 43) },
  { name: "sourcegraph_token", key: "SRC_ACCESS_TOKEN", make: (r) => "sgp_" + r.hex(40) },
  { name: "groq_api_key", key: "GROQ_API_KEY", make: (r) => "gsk_" + r.alnum(52) },
  { name: "xai_api_key", key: "XAI_API_KEY", make: (r) => "xai-" + r.alnum(80) },
  { name: "replicate_token", key: "REPLICATE_API_TOKEN", make: (r) => "r8_" + r.alnum(37) },
  { name: "perplexity_key", key: "PERPLEXITY_API_KEY", make: (r) => "pplx-" + r.alnum(48) },
  { name: "openrouter_key", key: "OPENROUTER_API_KEY", make: (r) => "sk-or-v1-" + r.hex(64) },
  {
    name: "tailscale_auth_key",
    key: "TS_AUTHKEY",
    make: (r) => `tskey-auth-k${r.alnum(10)}CNTRL-${r.alnum(33)}`,
  },
  { name: "buildkite_token", key: "BUILDKITE_API_TOKEN", make: (r) => "bkua_" + r.hex(40) },
  { name: "netlify_pat", key: "NETLIFY_AUTH_TOKEN", make: (r) => "nfp_" + r.alnum(36) },
  { name: "render_api_key", key: "RENDER_API_KEY", make: (r) => "rnd_" + r.alnum(32) },
  { name: "datadog_api_key", key: "DD_API_KEY", make: (r) => r.hex(32), keyed: true },
  { name: "algolia_admin_key", key: "ALGOLIA_ADMIN_KEY", make: (r) => r.hex(32), keyed: true },
  { name: "wandb_api_key", key: "WANDB_API_KEY", make: (r) => r.hex(40), keyed: true },
  { name: "langfuse_secret_key", key: "LANGFUSE_SECRET_KEY", make: (r) => "sk-lf-" + r.uuid() },
  {
    name: "plaid_access_token",
    key: "PLAID_ACCESS_TOKEN",
    make: (r) => "access-production-" + r.uuid(),
  },
  {
    name: "clojars_token",
    key: "CLOJARS_PASSWORD",
    make: (r) => "CLOJARS_" + r.str(LOWER_ALNUM, 60),
  },
  { name: "easypost_key", key: "EASYPOST_API_KEY", make: (r) => "EZAK" + r.alnum(54) },
  {
    name: "duffel_token",
    key: "DUFFEL_ACCESS_TOKEN",
    make: (r) => "duffel_live_" + r.str(B64URL, 43),
  },
  { name: "typeform_token", key: "TYPEFORM_TOKEN", make: (r) => "tfp_" + r.str(B64URL, 59) },
  {
    name: "onepassword_service_account",
    key: "OP_SERVICE_ACCOUNT_TOKEN",
    make: (r) => "ops_eyJzaWduSW5BZGRyZXNzIjoi" + r.str(B64, 300),
  },
  { name: "scalingo_token", key: "SCALINGO_API_TOKEN", make: (r) => "tk-us-" + r.str(B64URL, 48) },
  { name: "frameio_token", key: "FRAMEIO_TOKEN", make: (r) => "fio-u-" + r.str(B64URL, 64) },
  { name: "infracost_key", key: "INFRACOST_API_KEY", make: (r) => "ico-" + r.alnum(32) },
  { name: "octopus_api_key", key: "OCTOPUS_API_KEY", make: (r) => "API-" + r.str(UPPER_ALNUM, 26) },
  {
    name: "harness_pat",
    key: "HARNESS_API_KEY",
    make: (r) => `pat.${r.str(B64URL, 22)}.${r.hex(24)}.${r.alnum(20)}`,
  },
  {
    name: "salesforce_access_token",
    key: "SF_ACCESS_TOKEN",
    make: (r) => `00D${r.alnum(15)}!AQ${r.str(ALNUM + ".", 94)}`,
  },
  {
    name: "supabase_service_role_jwt",
    key: "SUPABASE_SERVICE_ROLE_KEY",
    make: (r) =>
      `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${
        b64url(
          JSON.stringify({
            iss: "supabase",
            ref: r.str("abcdefghijklmnopqrst", 20),
            role: "service_role",
            iat: 1760000000,
            exp: 2075576000,
          }),
        )
      }.${r.str(B64URL, 43)}`,
  },
  { name: "hex_encoded_jwt_secret", key: "JWT_SECRET", make: (r) => r.str(HEX, 64), keyed: true },
];
