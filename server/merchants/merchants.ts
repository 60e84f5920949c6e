import type { Deps } from "@/server/deps";
import { AppError, fieldError } from "@/server/errors";
import { maskAddress, recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import { openSecret, sealAddress, type EncryptionKeys } from "@/server/crypto/secrets";
import type { MerchantRole } from "@/server/db";
import { createId } from "@/server/db/ids";
import { checkUpstreamUrl, UPSTREAM_URL_MESSAGES } from "@/server/security/ssrf";
import { getMerchantsRequireReview } from "@/server/platform/settings";
import { enqueueWebhookEvent } from "@/server/webhooks/webhooks";

import type { CreateMerchantInput, MerchantDto, MyMerchant } from "./schemas";

const merchantDtoSelect = {
  id: true,
  name: true,
  status: true,
  statusReason: true,
  upstreamBaseUrl: true,
  payoutAddressCiphertext: true,
  payoutAddressKeyId: true,
  settlementMode: true,
  discoverable: true,
  createdAt: true,
} as const;

type MerchantDtoRow = Omit<MerchantDto, "payoutAddress"> & {
  payoutAddressCiphertext: string;
  payoutAddressKeyId: string;
};

/** The merchant's payout address, opened from its sealed columns. */
export function openPayoutAddress(
  row: { payoutAddressCiphertext: string; payoutAddressKeyId: string },
  keys: EncryptionKeys,
): string {
  return openSecret(
    { ciphertext: row.payoutAddressCiphertext, keyId: row.payoutAddressKeyId },
    keys,
  );
}

/** The columns that store a payout address: sealed, with the keyed hash for lookups. */
export function payoutAddressColumns(address: string, keys: EncryptionKeys) {
  const sealed = sealAddress(address, keys);
  return {
    payoutAddressCiphertext: sealed.ciphertext,
    payoutAddressKeyId: sealed.keyId,
    payoutAddressHash: sealed.hash,
  };
}

function toMerchantDto(row: MerchantDtoRow, keys: EncryptionKeys): MerchantDto {
  const { payoutAddressCiphertext, payoutAddressKeyId, ...rest } = row;
  return {
    ...rest,
    payoutAddress: openPayoutAddress({ payoutAddressCiphertext, payoutAddressKeyId }, keys),
  };
}

/** Validates an upstream base URL against the SSRF rules; throws a field error. */
export function assertUpstreamUrlAllowed(deps: Pick<Deps, "env">, raw: string): string {
  const check = checkUpstreamUrl(raw, { allowPrivate: deps.env.ALLOW_PRIVATE_UPSTREAMS });
  if (!check.ok) {
    const message = UPSTREAM_URL_MESSAGES[check.reason];
    throw fieldError("upstreamBaseUrl", message);
  }
  // no trailing slash: the gateway appends the request path, which starts with one
  return check.url.toString().replace(/\/+$/, "");
}

/** Creates a merchant owned by the user; it starts ACTIVE or PENDING_REVIEW per the platform setting. */
export async function createMerchant(
  deps: Pick<Deps, "db" | "env">,
  opts: {
    userId: string;
    input: CreateMerchantInput;
    actor: AuditActor;
    /** seeds only */ merchantId?: string;
  },
): Promise<MerchantDto> {
  const upstreamBaseUrl = assertUpstreamUrlAllowed(deps, opts.input.upstreamBaseUrl);
  const requiresReview = await getMerchantsRequireReview(deps);
  const merchantId = opts.merchantId ?? createId("merchant");
  return deps.db.$transaction(async (tx) => {
    const merchant = toMerchantDto(
      await tx.merchant.create({
        data: {
          id: merchantId,
          name: opts.input.name,
          upstreamBaseUrl,
          ...payoutAddressColumns(opts.input.payoutAddress, deps.env),
          settlementMode: opts.input.settlementMode,
          status: requiresReview ? "PENDING_REVIEW" : "ACTIVE",
          memberships: {
            create: { id: createId("membership"), userId: opts.userId, role: "OWNER" },
          },
        },
        select: merchantDtoSelect,
      }),
      deps.env,
    );
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId,
      action: "merchant.create",
      targetType: "merchant",
      targetId: merchantId,
      after: merchant,
    });
    return merchant;
  });
}

/** The merchants a user belongs to, oldest membership first. */
export async function listMerchantsForUser(
  deps: Pick<Deps, "db" | "env">,
  opts: { userId: string },
): Promise<MyMerchant[]> {
  const memberships = await deps.db.membership.findMany({
    where: { userId: opts.userId },
    orderBy: { createdAt: "asc" },
    select: { role: true, merchant: { select: merchantDtoSelect } },
  });
  return memberships.map((m) => ({ ...toMerchantDto(m.merchant, deps.env), role: m.role }));
}

/** The user's membership of a merchant, or null: the tenant boundary of every console call. */
export async function findMembership(
  deps: Pick<Deps, "db" | "env">,
  opts: { userId: string; merchantId: string },
): Promise<{ id: string; role: MerchantRole; merchant: MerchantDto } | null> {
  const membership = await deps.db.membership.findUnique({
    where: { merchantId_userId: { merchantId: opts.merchantId, userId: opts.userId } },
    select: { id: true, role: true, merchant: { select: merchantDtoSelect } },
  });
  return membership && { ...membership, merchant: toMerchantDto(membership.merchant, deps.env) };
}

/** The merchant by id, scoped: callers pass the merchant id proven by membership. */
export async function getMerchant(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string },
): Promise<MerchantDto> {
  const merchant = await deps.db.merchant.findUnique({
    where: { id: opts.merchantId },
    select: merchantDtoSelect,
  });
  if (!merchant) throw new AppError("not_found", "Merchant not found");
  return toMerchantDto(merchant, deps.env);
}

/** Whether the caller may change the payout address (decided at the edge: server/api/trpc.ts payoutChangeAuthority). */
export type PayoutChangeAuthority =
  | { allowed: true }
  | { allowed: false; reason: "api_key" | "role" | "reauth_required"; message: string };

/**
 * Renames the merchant and sets its settlement wallet (new payments go there at once). A new
 * address needs `payoutChange` to allow it, gets its own audit entry and is announced to every
 * enabled webhook endpoint, subscribed or not, in the same transaction: whoever controls the
 * merchant's money hears about a change to it.
 */
export async function updateMerchantSettings(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: {
    merchantId: string;
    actor: AuditActor;
    payoutChange: PayoutChangeAuthority;
    input: import("./schemas").MerchantSettingsInput;
  },
): Promise<MerchantDto> {
  const updated = await deps.db.$transaction(async (tx) => {
    const before = toMerchantDto(
      await tx.merchant.findUniqueOrThrow({
        where: { id: opts.merchantId },
        select: merchantDtoSelect,
      }),
      deps.env,
    );
    const payoutChanged =
      before.payoutAddress.toLowerCase() !== opts.input.payoutAddress.toLowerCase();
    if (payoutChanged && !opts.payoutChange.allowed) {
      throw new AppError("forbidden", opts.payoutChange.message, {
        details: { reason: opts.payoutChange.reason },
      });
    }
    const after = toMerchantDto(
      await tx.merchant.update({
        where: { id: opts.merchantId },
        data: {
          name: opts.input.name,
          ...(opts.input.discoverable === undefined
            ? {}
            : { discoverable: opts.input.discoverable }),
          ...(payoutChanged ? payoutAddressColumns(opts.input.payoutAddress, deps.env) : {}),
        },
        select: merchantDtoSelect,
      }),
      deps.env,
    );
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "merchant.settings.update",
      targetType: "merchant",
      targetId: opts.merchantId,
      before,
      after,
    });
    if (payoutChanged) {
      const change = {
        from: before.payoutAddress.toLowerCase(),
        to: after.payoutAddress.toLowerCase(),
      };
      await recordAudit(tx, {
        actor: opts.actor,
        merchantId: opts.merchantId,
        action: "merchant.payout_address.change",
        targetType: "merchant",
        targetId: opts.merchantId,
        before: { payoutAddress: change.from },
        after: { payoutAddress: change.to },
      });
      const at = deps.now();
      await enqueueWebhookEvent(tx, {
        merchantId: opts.merchantId,
        type: "merchant.payout_address_changed",
        eventId: `${opts.merchantId}:payout:${at.getTime()}`,
        // masked like the audit row: delivery payloads are stored in clear, addresses are sealed at rest
        data: {
          merchantId: opts.merchantId,
          from: maskAddress(change.from),
          to: maskAddress(change.to),
          changedBy: opts.actor.userId ?? null,
        },
        at,
        allEndpoints: true,
        requestId: opts.actor.requestId ?? null,
      });
    }
    return after;
  });
  publishMerchantConfigChanged(opts.merchantId);
  return updated;
}
