import { createHash, timingSafeEqual } from "node:crypto";

import { addressLookupHashes, type EncryptionKeys } from "@/server/crypto/secrets";
import type { PrismaClient } from "@/server/db";
import { splitList, type ServerEnv } from "@/server/env";
import { normalizeIp, parseTrustedProxies, type TrustedProxies } from "@/server/http/forwarded";
import type { NetworkRegistry } from "@/server/networks/config";

// Who may use the facilitator API and for what. Settling spends the facilitator key's gas and
// takes its nonces, so an open API lets anyone drain the key or stall the gateway's own
// settlements: callers present a token (or come from an allow-listed address), are rate limited,
// and may only move registry assets to a payee of this platform.

export type FacilitatorApiEnv = Pick<
  ServerEnv,
  "FACILITATOR_API_ENABLED" | "FACILITATOR_API_TOKENS" | "FACILITATOR_API_ALLOWED_IPS"
>;

export type FacilitatorApiAccess = {
  enabled: boolean;
  tokenDigests: Buffer[];
  allowed: TrustedProxies;
};

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The API's access settings, parsed from the env (tokens kept as digests). */
export function facilitatorApiAccess(env: FacilitatorApiEnv): FacilitatorApiAccess {
  const tokens = env.FACILITATOR_API_TOKENS ? splitList(env.FACILITATOR_API_TOKENS) : [];
  // nothing configured (development: production refuses to start like that): the machine itself
  const allowedSpec =
    env.FACILITATOR_API_ALLOWED_IPS ?? (tokens.length === 0 ? "loopback" : undefined);
  return {
    enabled: env.FACILITATOR_API_ENABLED,
    tokenDigests: tokens.map(digest),
    allowed: parseTrustedProxies(allowedSpec),
  };
}

export type AccessDecision =
  { ok: true; caller: string } | { ok: false; refusal: "disabled" | "bad_token" | "not_allowed" };

/**
 * Whether a call may proceed, and under which caller key it is rate limited. A presented token
 * must be right (a wrong one is refused even from an allow-listed address); without one the client
 * IP (as resolved through TRUSTED_PROXIES) must be allow-listed. Pure.
 */
export function decideFacilitatorAccess(
  access: FacilitatorApiAccess,
  call: { bearer: string | null; ip: string | null },
): AccessDecision {
  if (!access.enabled) return { ok: false, refusal: "disabled" };
  if (call.bearer !== null) {
    const presented = digest(call.bearer);
    // every digest is compared, in constant time: which token matched leaks nothing
    let matched = -1;
    access.tokenDigests.forEach((d, i) => {
      if (timingSafeEqual(d, presented)) matched = i;
    });
    return matched === -1
      ? { ok: false, refusal: "bad_token" }
      : { ok: true, caller: `token:${presented.subarray(0, 8).toString("hex")}` };
  }
  if (call.ip && access.allowed.has(normalizeIp(call.ip)))
    return { ok: true, caller: `ip:${normalizeIp(call.ip)}` };
  return { ok: false, refusal: "not_allowed" };
}

/** The bearer token of an Authorization header, or null. */
export function bearerOf(headers: Pick<Headers, "get">): string | null {
  return /^bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")?.[1]?.trim() ?? null;
}

export type TargetRefusal = { field: "network" | "asset" | "payTo"; message: string };

/**
 * Whether the facilitator may move this payment: a network and asset of the registry, paid to the
 * platform's treasury or to an active merchant's payout address. Null when it may.
 */
export async function checkFacilitatorTarget(
  deps: {
    db: PrismaClient;
    env: EncryptionKeys & Pick<ServerEnv, "PLATFORM_PAYOUT_ADDRESS">;
    networks: NetworkRegistry;
  },
  requirements: { network: string; asset: string; payTo: string },
): Promise<TargetRefusal | null> {
  const network = deps.networks.resolve(requirements.network);
  if (!network)
    return {
      field: "network",
      message: `This facilitator does not settle on ${requirements.network}`,
    };
  if (!deps.networks.asset(network.id, requirements.asset))
    return {
      field: "asset",
      message: `This facilitator does not settle ${requirements.asset} on ${network.id}`,
    };
  const payTo = requirements.payTo.toLowerCase();
  if (!/^0x[0-9a-f]{40}$/.test(payTo))
    return { field: "payTo", message: "payTo must be a 0x address" };
  if (deps.env.PLATFORM_PAYOUT_ADDRESS?.toLowerCase() === payTo) return null;
  const merchant = await deps.db.merchant.findFirst({
    where: {
      status: "ACTIVE",
      OR: [
        { payoutAddressHash: { in: addressLookupHashes(payTo, deps.env) } },
        { legacyPayoutAddress: payTo },
      ],
    },
    select: { id: true },
  });
  return merchant
    ? null
    : { field: "payTo", message: "payTo is not the payout address of a merchant of this platform" };
}
