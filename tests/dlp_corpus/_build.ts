/** Every builder, in file order: the whole corpus from its seeds. */
import {
  authorityCases,
  base64InjectionCases,
  gzipCases,
  hiddenCases,
  sseCases,
  toolCases,
} from "./_inbound_injection.ts";
import { cardCases, cryptoCases, ibanCases, nationalIdCases } from "./_outbound_checksummed.ts";
import {
  base32Cases,
  base64Cases,
  chainCases,
  headerCases,
  hexCases,
  jsonEscapeCases,
  knownSecretCases,
  percentCases,
  subdomainCases,
  urlEntropyCases,
} from "./_outbound_encoded.ts";
import { privateKeyCases, tokenCases } from "./_outbound_secrets.ts";
import {
  apiJsonCases,
  cacheBustingCases,
  contentAddressedCases,
  jwtPublicCases,
  registryRequestCases,
} from "./_benign_outbound.ts";
import {
  csvUploadCases,
  imageUploadCases,
  lookalikeOutboundCases,
  modelRequestCases,
  sourceUploadCases,
  telemetryCases,
} from "./_benign_uploads.ts";
import { lockfileCases, registryMetadataCases } from "./_benign_registry.ts";
import {
  apiResponseCases,
  binaryCases,
  csvDownloadCases,
  gzipBenignCases,
  lookalikeInboundCases,
} from "./_benign_inbound.ts";
import {
  docsCases,
  htmlPageCases,
  inlineImageCases,
  minifiedCases,
  modelResponseCases,
  readmeCases,
  sourceFileCases,
} from "./_benign_pages.ts";
import type { CorpusCase } from "./mod.ts";

const BUILDERS: readonly (() => CorpusCase[])[] = [
  tokenCases,
  privateKeyCases,
  cardCases,
  ibanCases,
  cryptoCases,
  nationalIdCases,
  base64Cases,
  base32Cases,
  hexCases,
  percentCases,
  chainCases,
  jsonEscapeCases,
  headerCases,
  knownSecretCases,
  urlEntropyCases,
  subdomainCases,
  authorityCases,
  toolCases,
  hiddenCases,
  base64InjectionCases,
  sseCases,
  gzipCases,
  registryRequestCases,
  apiJsonCases,
  contentAddressedCases,
  cacheBustingCases,
  jwtPublicCases,
  modelRequestCases,
  sourceUploadCases,
  lookalikeOutboundCases,
  imageUploadCases,
  telemetryCases,
  csvUploadCases,
  registryMetadataCases,
  lockfileCases,
  apiResponseCases,
  binaryCases,
  csvDownloadCases,
  lookalikeInboundCases,
  gzipBenignCases,
  docsCases,
  readmeCases,
  sourceFileCases,
  minifiedCases,
  inlineImageCases,
  htmlPageCases,
  modelResponseCases,
];

/**
 * Build the corpus.
 *
 * @returns Every case, malicious first.
 */
export function buildCorpus(): CorpusCase[] {
  return BUILDERS.flatMap((build) => build());
}

/**
 * The corpus file's text: one JSON object per line.
 *
 * @returns The text.
 */
export function corpusText(): string {
  return buildCorpus().map((c) => JSON.stringify(c)).join("\n") + "\n";
}
