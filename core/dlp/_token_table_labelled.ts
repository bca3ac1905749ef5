/**
 * `token_patterns` table, part 4: formats with no prefix of their own, found next to a label that
 * names the provider and a credential word (`FASTLY_API_TOKEN=…`, `"sentry_auth_token": "…"`), as
 * gitleaks' default rules find them. Only the value is reported.
 */
import { CHARS, fake, labelled, type TokenSpec } from "./_token_spec.ts";

const { alnum, b64, b64url, hex, lower, digits } = CHARS;
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const fakeUuid = (seed: number) =>
  [8, 4, 4, 4, 12].map((n, i) => fake(hex, n, seed * 10 + i)).join("-");

/**
 * A rule for `keyword` whose examples are the value under `<KEYWORD>_API_KEY=` (found), and the
 * same value under an id label plus a placeholder under the key label (not found).
 */
function provider(
  name: string,
  keyword: string,
  value: string,
  valueMax: number,
  example: string,
): TokenSpec {
  const label = `${keyword.toUpperCase()}_API_KEY=`;
  return labelled(name, keyword, value, valueMax, {
    tp: [[label, example], [`${keyword}_secret: "`, example, '"']],
    fp: [`${keyword.toUpperCase()}_ACCOUNT_ID=${example}`, `${label}your-${keyword}-key-here`],
  });
}

/** Labelled credentials of gitleaks' keyword rules. */
export const LABELLED_TOKENS: readonly TokenSpec[] = [
  provider("adafruit_api_key", "adafruit", "[A-Za-z0-9_-]{32}", 32, fake(b64url, 32, 300)),
  provider(
    "airtable_token",
    "airtable",
    `pat[A-Za-z0-9]{14}\\.[0-9a-f]{64}|key[A-Za-z0-9]{14}`,
    82,
    `pat${fake(alnum, 14, 301)}.${fake(hex, 64, 302)}`,
  ),
  provider("algolia_api_key", "algolia", "[a-z0-9]{32}", 32, fake(lower, 32, 303)),
  provider("alibaba_secret_key", "alibaba", "[A-Za-z0-9]{30}", 30, fake(alnum, 30, 304)),
  provider(
    "asana_token",
    "asana",
    "(?:[0-9]/[0-9]{6,20}(?:/[0-9]{6,20})?:)?[0-9a-f]{32}",
    78,
    `2/${fake(digits, 16, 305)}/${fake(digits, 16, 306)}:${fake(hex, 32, 307)}`,
  ),
  provider("beamer_api_key", "beamer", "b_[A-Za-z0-9_=-]{44}", 46, `b_${fake(b64url, 44, 308)}`),
  provider(
    "bitbucket_client_secret",
    "bitbucket",
    "[A-Za-z0-9_=-]{32,64}",
    64,
    fake(b64url, 64, 309),
  ),
  provider("bittrex_api_key", "bittrex", "[a-z0-9]{32}", 32, fake(lower, 32, 310)),
  provider("codecov_token", "codecov", "[a-f0-9-]{32,36}", 36, fakeUuid(311)),
  provider("coinbase_token", "coinbase", "[A-Za-z0-9_-]{64}", 64, fake(b64url, 64, 312)),
  provider("confluent_secret", "confluent", "[A-Za-z0-9+/]{16,64}", 64, fake(alnum, 64, 313)),
  provider(
    "contentful_delivery_token",
    "contentful",
    "[A-Za-z0-9_=-]{43}",
    43,
    fake(b64url, 43, 314),
  ),
  provider(
    "discord_token",
    "discord",
    `[A-Za-z0-9]{24,28}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}|[a-f0-9]{64}|[A-Za-z0-9_=-]{32}`,
    76,
    `MT${fake(alnum, 24, 315)}.${fake(b64url, 6, 316)}.${fake(b64url, 38, 317)}`,
  ),
  provider("droneci_token", "droneci", "[A-Za-z0-9]{32}", 32, fake(alnum, 32, 318)),
  provider(
    "dropbox_long_lived_token",
    "dropbox",
    "[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=-]{43}",
    64,
    `${fake(alnum, 11, 319)}AAAAAAAAAA${fake(b64url, 43, 320)}`,
  ),
  provider("etsy_token", "etsy", "[a-z0-9]{24}", 24, fake(lower, 24, 321)),
  provider("facebook_secret", "facebook", "[a-f0-9]{32}", 32, fake(hex, 32, 322)),
  provider("fastly_api_token", "fastly", "[A-Za-z0-9_=-]{32}", 32, fake(b64url, 32, 323)),
  provider("finicity_secret", "finicity", "[a-f0-9]{32}|[a-z0-9]{20}", 32, fake(hex, 32, 324)),
  provider("freshbooks_token", "freshbooks", "[a-z0-9]{64}", 64, fake(lower, 64, 325)),
  provider("gitter_token", "gitter", "[a-z0-9_-]{40}", 40, fake(lower, 40, 326)),
  provider(
    "gocardless_token",
    "gocardless",
    "live_[A-Za-z0-9_=-]{40}",
    45,
    `live_${fake(b64url, 40, 327)}`,
  ),
  provider("hubspot_api_key", "hubspot", UUID, 36, fakeUuid(328)),
  provider("intercom_token", "intercom", "[A-Za-z0-9_=-]{60}", 60, fake(b64url, 60, 329)),
  provider("jfrog_token", "jfrog", "[A-Za-z0-9]{64,73}", 73, fake(alnum, 73, 330)),
  provider("artifactory_token", "artifactory", "[A-Za-z0-9]{64,73}", 73, fake(alnum, 64, 331)),
  provider("kraken_token", "kraken", "[A-Za-z0-9/=_+-]{80,90}", 90, fake(b64, 88, 332)),
  provider("kucoin_secret", "kucoin", `${UUID}|[a-f0-9]{24}`, 36, fakeUuid(333)),
  provider("launchdarkly_token", "launchdarkly", "[A-Za-z0-9_=-]{40}", 40, fake(b64url, 40, 334)),
  provider("linear_client_secret", "linear", "[a-f0-9]{32}", 32, fake(hex, 32, 335)),
  provider("linkedin_client_secret", "linkedin", "[A-Za-z0-9]{16}", 16, fake(alnum, 16, 336)),
  provider(
    "lob_api_key",
    "lob",
    "(?:live|test)_(?:pub_)?[a-f0-9]{31,35}",
    44,
    `live_${fake(hex, 35, 337)}`,
  ),
  provider("mattermost_token", "mattermost", "[a-z0-9]{26}", 26, fake(lower, 26, 338)),
  provider("meraki_api_key", "meraki", "[0-9a-f]{40}", 40, fake(hex, 40, 339)),
  provider("messagebird_token", "messagebird", "[A-Za-z0-9]{25}", 25, fake(alnum, 25, 340)),
  provider(
    "plaid_token",
    "plaid",
    `access-(?:sandbox|development|production)-${UUID}|[a-z0-9]{30}`,
    59,
    // The access-token form is found by its prefix alone (`plaid_access_token`).
    fake(lower, 30, 341),
  ),
  provider("rapidapi_token", "rapidapi", "[A-Za-z0-9_-]{50}", 50, fake(b64url, 50, 342)),
  provider("sendbird_token", "sendbird", "[a-f0-9]{40}", 40, fake(hex, 40, 343)),
  provider("sentry_legacy_token", "sentry", "[a-f0-9]{64}", 64, fake(hex, 64, 344)),
  provider("snyk_token", "snyk", UUID, 36, fakeUuid(345)),
  provider("sonar_token", "sonar", "(?:sq[apu]_)?[a-f0-9]{40}", 44, `squ_${fake(hex, 40, 346)}`),
  provider("squarespace_token", "squarespace", UUID, 36, fakeUuid(347)),
  provider(
    "sumologic_token",
    "sumo",
    "[A-Za-z0-9]{64}|su[A-Za-z0-9]{12}",
    64,
    fake(alnum, 64, 348),
  ),
  provider("travisci_token", "travis", "[A-Za-z0-9]{22}", 22, fake(alnum, 22, 349)),
  provider("twitch_token", "twitch", "[a-z0-9]{30}", 30, fake(lower, 30, 350)),
  provider("twitter_secret", "twitter", "[A-Za-z0-9]{25,50}", 50, fake(alnum, 45, 351)),
  provider(
    "yandex_token",
    "yandex",
    "AQVN[A-Za-z0-9_-]{35,38}|YC[A-Za-z0-9_-]{38}",
    42,
    `AQVN${fake(b64url, 36, 352)}`,
  ),
  provider("zendesk_token", "zendesk", "[A-Za-z0-9]{40}", 40, fake(alnum, 40, 353)),
];
