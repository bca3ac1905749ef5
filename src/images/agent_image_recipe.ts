/** The agent image of a bottle: a provider's Dockerfile, the bottle's own, or a committed image. */
import { basename, dirname, resolve } from "node:path";
import { ConfigError, messageOf } from "../../core/errors/mod.ts";
import type { AgentImageSource } from "../plan/mod.ts";
import { readContextDir } from "./_context_dir.ts";
import { contentTag } from "./_digest.ts";
import type { ImageRecipe } from "../../backends/mod.ts";

/** Options of {@link agentImageRecipe}. */
export interface AgentImageOptions {
  /** `BASE_IMAGE` build argument; without it the Dockerfile's own default applies. */
  baseImage?: string;
  /** A CA file a provider image's install stage trusts (`BOT_BOTTLE_BUILD_CA_FILE`). */
  buildCaFile?: string;
}

/** The script every provider image runs to add the agent tools and user (images/agent). */
const AGENT_SETUP = new URL("../../images/agent/agent-setup.sh", import.meta.url);

/** Template names become part of an image repository name, which docker keeps lowercase. */
const TEMPLATE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * How to obtain the agent image.
 *
 * @param source Where the plan says the image comes from.
 * @param options The base image, if overridden.
 * @returns A recipe tagged `bot-bottle/agent-<template>:<digest>` (a provider's Dockerfile, whose
 *   context is the Dockerfile, images/agent/agent-setup.sh and the build CA), `bot-bottle/agent-custom:<digest>` (a bottle's Dockerfile,
 *   whose folder is the context) or the committed reference itself.
 * @throws {ConfigError} When the Dockerfile is missing, unreadable or empty, or the template name
 *   cannot be part of an image name.
 */
export async function agentImageRecipe(
  source: AgentImageSource,
  options: AgentImageOptions = {},
): Promise<ImageRecipe> {
  switch (source.kind) {
    case "committed":
      return { needsBuild: false, tag: source.ref, role: "agent" };
    case "provider":
      return await providerRecipe(source.template, source.dockerfile, options);
    case "dockerfile":
      return await dockerfileRecipe(source.path, baseArgs(options));
  }
}

function baseArgs(options: AgentImageOptions): Record<string, string> {
  return options.baseImage === undefined ? {} : { BASE_IMAGE: options.baseImage };
}

async function providerRecipe(
  template: string,
  url: string,
  options: AgentImageOptions,
): Promise<ImageRecipe> {
  const buildArgs = baseArgs(options);
  if (!TEMPLATE.test(template)) {
    throw new ConfigError(
      `Cannot build the agent image: provider name "${template}" must be lowercase letters, digits, "-" and "_"`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(new URL(url));
  } catch (err) {
    throw new ConfigError(
      `Cannot build the agent image: the Dockerfile of provider "${template}" (${url}) cannot be read: ${
        messageOf(err)
      }`,
      { cause: err },
    );
  }
  if (isBlank(bytes)) {
    throw new ConfigError(
      `Cannot build the agent image: the Dockerfile of provider "${template}" (${url}) is empty`,
    );
  }
  const files = new Map([
    ["Dockerfile", bytes],
    ["agent-setup.sh", await Deno.readFile(AGENT_SETUP)],
    ["build-ca.pem", await buildCa(options.buildCaFile)],
  ]);
  const entries = [...files].map(([name, bytes]) => ({
    name,
    type: "file" as const,
    executable: false,
    bytes,
  }));
  return {
    needsBuild: true,
    tag: contentTag(`bot-bottle/agent-${template}`, {
      role: "agent",
      dockerfile: "Dockerfile",
      buildArgs,
      entries,
    }),
    role: "agent",
    buildArgs,
    context: { kind: "files", files },
  };
}

async function dockerfileRecipe(
  path: string,
  buildArgs: Record<string, string>,
): Promise<ImageRecipe> {
  const file = resolve(path);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound
      ? "does not exist"
      : `cannot be read: ${messageOf(err)}`;
    throw new ConfigError(`Cannot build the agent image: Dockerfile "${file}" ${why}`, {
      cause: err,
    });
  }
  if (isBlank(bytes)) {
    throw new ConfigError(
      `Cannot build the agent image: Dockerfile "${file}" is empty (write the image's instructions in it, or remove agent_provider.dockerfile)`,
    );
  }
  const dir = dirname(file);
  const dockerfile = basename(file);
  const entries = await readContextDir(dir);
  return {
    needsBuild: true,
    tag: contentTag("bot-bottle/agent-custom", { role: "agent", dockerfile, buildArgs, entries }),
    role: "agent",
    buildArgs,
    context: { kind: "dir", dir, dockerfile },
  };
}

/** The build CA's bytes (empty without one): checked to hold a certificate, never parsed further. */
async function buildCa(path: string | undefined): Promise<Uint8Array> {
  if (path === undefined) return new Uint8Array();
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new ConfigError(
      `Cannot build the agent image: BOT_BOTTLE_BUILD_CA_FILE "${path}" cannot be read: ${
        messageOf(err)
      }`,
      { cause: err },
    );
  }
  if (!new TextDecoder().decode(bytes).includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(
      `Cannot build the agent image: BOT_BOTTLE_BUILD_CA_FILE "${path}" holds no PEM certificate`,
    );
  }
  return bytes;
}

function isBlank(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes).trim() === "";
}
