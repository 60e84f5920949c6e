import { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { onMerchantConfigChanged, publishMerchantConfigChanged } from "@/server/cache/invalidation";
import { openSecret, sealSecret, type EncryptionKeys } from "@/server/crypto/secrets";
import type { Db } from "@/server/db";
import type { Deps } from "@/server/deps";
import type { ServerEnv } from "@/server/env";
import { fieldError } from "@/server/errors";
import type { Log } from "@/server/observability/logger";
import { checkUpstreamUrl, UPSTREAM_URL_MESSAGES } from "@/server/security/ssrf";

import type { HostedFacilitatorConfig } from "./hosted-facilitator";
import {
  hostedFacilitatorSettingsInput,
  type HostedFacilitatorSettingsInput,
  type HostedFacilitatorView,
} from "./schemas";

// The hosted facilitator's URL and credentials as a sealed platform setting (PlatformSecret row,
// listed in server/keys/sealed-columns.ts so key rotation re-seals it). When no setting is stored
// the environment's HOSTED_FACILITATOR_URL / _TOKEN and CDP_API_KEY_* are the default. Gateways
// keep the current config in memory (createHostedConfigSource) and reload it when a save or reset
// is published on the invalidation bus, so a change applies without a restart.

export const HOSTED_FACILITATOR_SETTING = "facilitator.hosted";
/** The invalidation key the gateways' config source listens on (a key no merchant id can take). */
export const HOSTED_FACILITATOR_CHANGED = "platform:hosted-facilitator";

type HostedEnv = Pick<
  ServerEnv,
  "HOSTED_FACILITATOR_URL" | "HOSTED_FACILITATOR_TOKEN" | "CDP_API_KEY_ID" | "CDP_API_KEY_SECRET"
>;

const storedSchema = z.object({
  url: z.string(),
  cdpApiKeyId: z.string().optional(),
  cdpApiKeySecret: z.string().optional(),
  bearerToken: z.string().optional(),
});

/** The environment's hosted facilitator, or null when HOSTED_FACILITATOR_URL is unset. */
export function hostedConfigFromEnv(env: HostedEnv): HostedFacilitatorConfig | null {
  if (!env.HOSTED_FACILITATOR_URL) return null;
  return {
    url: env.HOSTED_FACILITATOR_URL,
    cdpApiKeyId: env.CDP_API_KEY_ID,
    cdpApiKeySecret: env.CDP_API_KEY_SECRET,
    bearerToken: env.HOSTED_FACILITATOR_TOKEN,
  };
}

type Resolved = {
  config: HostedFacilitatorConfig | null;
  source: HostedFacilitatorView["source"];
  updatedAt: Date | null;
};

/** The config in force: the stored setting, else the environment's. */
export async function readHostedFacilitatorConfig(deps: {
  db: Db;
  env: HostedEnv & EncryptionKeys;
}): Promise<Resolved> {
  const row = await deps.db.platformSecret.findUnique({
    where: { id: HOSTED_FACILITATOR_SETTING },
  });
  if (row) {
    const stored = storedSchema.parse(
      JSON.parse(openSecret({ ciphertext: row.valueCiphertext, keyId: row.valueKeyId }, deps.env)),
    );
    return { config: stored, source: "settings", updatedAt: row.updatedAt };
  }
  const fromEnv = hostedConfigFromEnv(deps.env);
  return { config: fromEnv, source: fromEnv ? "environment" : "none", updatedAt: null };
}

function viewOf(resolved: Resolved): HostedFacilitatorView {
  const c = resolved.config;
  return {
    source: resolved.source,
    url: c?.url ?? null,
    cdpApiKeyId: c?.cdpApiKeyId ?? null,
    hasCdpApiKeySecret: Boolean(c?.cdpApiKeySecret),
    hasBearerToken: Boolean(c?.bearerToken),
    updatedAt: resolved.updatedAt,
  };
}

/** What the admin console shows: where the config comes from, the URL and key id, never a secret. */
export async function getHostedFacilitatorView(
  deps: Pick<Deps, "db" | "env">,
): Promise<HostedFacilitatorView> {
  return viewOf(await readHostedFacilitatorConfig(deps));
}

/** Stores the hosted facilitator's URL and credentials sealed (replacing any stored), audited. */
export async function saveHostedFacilitatorSettings(
  deps: Pick<Deps, "db" | "env">,
  opts: { actor: AuditActor; input: HostedFacilitatorSettingsInput },
): Promise<HostedFacilitatorView> {
  const input = hostedFacilitatorSettingsInput.parse(opts.input);
  // the gateway will send every payment there: the upstreams' SSRF rules apply (no private or
  // loopback hosts in production, no credentials in the URL)
  const target = checkUpstreamUrl(input.url, { allowPrivate: deps.env.ALLOW_PRIVATE_UPSTREAMS });
  if (!target.ok) throw fieldError("url", UPSTREAM_URL_MESSAGES[target.reason]);
  const stored = storedSchema.parse(input);
  const sealed = sealSecret(JSON.stringify(stored), deps.env);
  await deps.db.$transaction(async (tx) => {
    const before = viewOf(await readHostedFacilitatorConfig({ db: tx, env: deps.env }));
    await tx.platformSecret.upsert({
      where: { id: HOSTED_FACILITATOR_SETTING },
      create: {
        id: HOSTED_FACILITATOR_SETTING,
        valueCiphertext: sealed.ciphertext,
        valueKeyId: sealed.keyId,
      },
      update: { valueCiphertext: sealed.ciphertext, valueKeyId: sealed.keyId },
    });
    const after = viewOf({ config: stored, source: "settings", updatedAt: null });
    await recordAudit(tx, {
      actor: opts.actor,
      action: "platform.hosted_facilitator.update",
      targetType: "platform_setting",
      targetId: HOSTED_FACILITATOR_SETTING,
      before,
      after: { ...after, updatedAt: undefined },
    });
  });
  publishMerchantConfigChanged(HOSTED_FACILITATOR_CHANGED);
  return getHostedFacilitatorView(deps);
}

/** Deletes the stored setting: the environment's values apply again. Audited. */
export async function resetHostedFacilitatorSettings(
  deps: Pick<Deps, "db" | "env">,
  opts: { actor: AuditActor },
): Promise<HostedFacilitatorView> {
  await deps.db.$transaction(async (tx) => {
    const before = viewOf(await readHostedFacilitatorConfig({ db: tx, env: deps.env }));
    await tx.platformSecret.deleteMany({ where: { id: HOSTED_FACILITATOR_SETTING } });
    await recordAudit(tx, {
      actor: opts.actor,
      action: "platform.hosted_facilitator.reset",
      targetType: "platform_setting",
      targetId: HOSTED_FACILITATOR_SETTING,
      before,
      after: { source: hostedConfigFromEnv(deps.env) ? "environment" : "none" },
    });
  });
  publishMerchantConfigChanged(HOSTED_FACILITATOR_CHANGED);
  return getHostedFacilitatorView(deps);
}

export const HOSTED_CONFIG_TTL_MS = 30_000;

export type HostedConfigSource = {
  /** the config in force as last loaded (synchronous: the gateway asks on every paid call) */
  current(): HostedFacilitatorConfig | null;
  /** resolves once the reload that is running (or a new one) has finished */
  refresh(): Promise<void>;
  dispose(): void;
};

/**
 * The gateway's view of the hosted facilitator config: starts from the environment, loads the
 * stored setting at once, reloads when a change is published and, as a fallback for instances
 * without the Redis bus, when the last load is older than the TTL (in the background).
 */
export function createHostedConfigSource(
  deps: { db: Db; env: HostedEnv & EncryptionKeys; log: Log },
  ttlMs = HOSTED_CONFIG_TTL_MS,
): HostedConfigSource {
  let config = hostedConfigFromEnv(deps.env);
  let loadedAt = 0;
  let running: Promise<void> | null = null;
  let again = false;
  const load = async (): Promise<void> => {
    do {
      again = false;
      try {
        config = (await readHostedFacilitatorConfig(deps)).config;
        loadedAt = Date.now();
      } catch (err) {
        // keeps the last good config; the next call past the TTL tries again
        deps.log.warn({ err }, "could not load the hosted facilitator settings");
        loadedAt = Date.now();
      }
    } while (again);
  };
  const refresh = () => {
    if (running) {
      // a change published while a load runs may not be in what it read: read once more after it
      again = true;
      return running;
    }
    running = load().finally(() => {
      running = null;
    });
    return running;
  };
  void refresh();
  const stop = onMerchantConfigChanged((key) => {
    if (key === HOSTED_FACILITATOR_CHANGED) void refresh();
  });
  return {
    current() {
      if (Date.now() - loadedAt > ttlMs && !running) void refresh();
      return config;
    },
    refresh,
    dispose: stop,
  };
}
