import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import { addressLookupHashes } from "@/server/crypto/secrets";
import { readHostedFacilitatorConfig } from "@/server/facilitator/hosted/hosted-settings";
import type { facilitatorKindSchema } from "@/server/facilitator/hosted/schemas";
import { listTransactions } from "@/server/billing/transactions";
import { Prisma, type MerchantStatus } from "@/server/db";
import type { Deps } from "@/server/deps";
import { AppError, fieldError } from "@/server/errors";
import { openPayoutAddress } from "@/server/merchants/merchants";
import { merchantStatusSchema } from "@/server/merchants/schemas";
import { formatAtomic } from "@/server/pricing/price";
import { getNetworkRegistry } from "@/server/networks/config";
import { WITH_PAYMENT_OPTIONS } from "@/server/pricing/rules";
import { openWalletAddress } from "@/server/users/users";
import { gatewayPathPrefix } from "@/server/x402/discovery";
import { describeOffer, pricedRouteOf } from "@/server/x402/requirements";

import { ERROR_STAGE, IS_ERROR } from "./metrics-sql";
import { ensureDailyRollups, ledgerDaysSql, rollupCut, usageDaysSql } from "./rollups";

// The admin view of merchants: the list with revenue and error rate computed in SQL, one merchant
// in detail, and the review actions (approve, disable with a reason, re-enable).

/** Revenue and error rate cover this many UTC days, today included. */
export const MERCHANT_METRICS_DAYS = 30;

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function merchantMetricsSince(now: Date): Date {
  return new Date(
    (Math.floor(now.getTime() / 86_400_000) - (MERCHANT_METRICS_DAYS - 1)) * 86_400_000,
  );
}

export const adminListMerchantsInput = z.object({
  status: merchantStatusSchema.optional(),
  search: z.string().trim().max(100).optional(),
  createdFrom: z.date().optional(),
  createdTo: z.date().optional(),
  /** settled revenue over the window, at least this many atomic units */
  minRevenueAtomic: z.bigint().min(0n).optional(),
  /** error rate over the window, at least this (0..1) */
  minErrorRate: z.number().min(0).max(1).optional(),
  cursor: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type AdminListMerchantsInput = z.infer<typeof adminListMerchantsInput>;

export const adminMerchantRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: merchantStatusSchema,
  statusReason: z.string().nullable(),
  upstreamBaseUrl: z.string(),
  createdAt: z.date(),
  members: z.number().int(),
  calls: z.number().int(),
  errors: z.number().int(),
  errorRate: z.number().nullable(),
  revenueAtomic: z.bigint(),
});
export type AdminMerchantRow = z.infer<typeof adminMerchantRowSchema>;

type ListRow = {
  id: string;
  name: string;
  status: MerchantStatus;
  statusReason: string | null;
  upstreamBaseUrl: string;
  createdAt: Date;
  members: bigint;
  calls: bigint;
  errors: bigint;
  revenue: string;
  errorRate: number | null;
};

/** All merchants across the platform (admins only), newest first, cursor-paginated. */
export async function adminListMerchants(
  deps: Pick<Deps, "db" | "env" | "now">,
  input: AdminListMerchantsInput,
): Promise<{ items: AdminMerchantRow[]; nextCursor: string | null }> {
  const now = deps.now();
  const w = { from: merchantMetricsSince(now), to: new Date(now.getTime() + 1) };
  const cut = rollupCut(w, await ensureDailyRollups(deps));
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (input.status) conditions.push(Prisma.sql`m."status" = ${input.status}::"MerchantStatus"`);
  if (input.search) {
    // a payout address is sealed: it matches through its keyed hash (exact address only), never by decrypting
    const byAddress = EVM_ADDRESS.test(input.search)
      ? Prisma.sql` OR m."payoutAddressHash" IN (${Prisma.join(addressLookupHashes(input.search, deps.env))})`
      : Prisma.empty;
    conditions.push(
      Prisma.sql`(m."name" ILIKE ${`%${input.search.replace(/[\\%_]/g, "\\$&")}%`} OR m."id" = ${input.search}${byAddress})`,
    );
  }
  if (input.createdFrom) conditions.push(Prisma.sql`m."createdAt" >= ${input.createdFrom}`);
  if (input.createdTo) conditions.push(Prisma.sql`m."createdAt" < ${input.createdTo}`);
  if (input.minRevenueAtomic !== undefined)
    conditions.push(
      Prisma.sql`coalesce(r.revenue, 0) >= ${input.minRevenueAtomic.toString()}::numeric`,
    );
  if (input.minErrorRate !== undefined)
    conditions.push(
      Prisma.sql`coalesce(u.errors::float8 / nullif(u.calls, 0), 0) >= ${input.minErrorRate}`,
    );
  if (input.cursor)
    conditions.push(
      Prisma.sql`(m."createdAt", m."id") < (SELECT "createdAt", "id" FROM "Merchant" WHERE "id" = ${input.cursor})`,
    );
  const rows = await deps.db.$queryRaw<ListRow[]>`
    WITH u AS (
      SELECT "merchantId", sum(calls)::bigint AS calls, sum(errors)::bigint AS errors FROM (${usageDaysSql(w, cut)}) x GROUP BY 1
    ), r AS (
      SELECT "merchantId", sum(amount) AS revenue FROM (${ledgerDaysSql(w, cut)}) l WHERE "type" = 'CHARGE' GROUP BY 1
    )
    SELECT m."id", m."name", m."status", m."statusReason", m."upstreamBaseUrl", m."createdAt",
           (SELECT count(*) FROM "Membership" mm WHERE mm."merchantId" = m."id") AS members,
           coalesce(u.calls, 0) AS calls, coalesce(u.errors, 0) AS errors,
           coalesce(r.revenue, 0)::text AS revenue,
           u.errors::float8 / nullif(u.calls, 0) AS "errorRate"
      FROM "Merchant" m
      LEFT JOIN u ON u."merchantId" = m."id"
      LEFT JOIN r ON r."merchantId" = m."id"
     WHERE ${Prisma.join(conditions, " AND ")}
     ORDER BY m."createdAt" DESC, m."id" DESC
     LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      statusReason: r.statusReason,
      upstreamBaseUrl: r.upstreamBaseUrl,
      createdAt: r.createdAt,
      members: Number(r.members),
      calls: Number(r.calls),
      errors: Number(r.errors),
      errorRate: r.errorRate === null ? null : Number(r.errorRate),
      revenueAtomic: BigInt(r.revenue),
    })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Everything the admin's merchant page shows, in one round of parallel reads. */
export async function getAdminMerchant(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: { merchantId: string },
) {
  const since = merchantMetricsSince(deps.now());
  const merchant = await deps.db.merchant.findUnique({
    where: { id: opts.merchantId },
    select: {
      id: true,
      name: true,
      status: true,
      statusReason: true,
      upstreamBaseUrl: true,
      payoutAddressCiphertext: true,
      payoutAddressKeyId: true,
      settlementMode: true,
      facilitator: true,
      createdAt: true,
      updatedAt: true,
      feeTemplate: { select: { id: true, name: true } },
      memberships: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          role: true,
          createdAt: true,
          user: {
            select: {
              id: true,
              email: true,
              name: true,
              walletAddressCiphertext: true,
              walletAddressKeyId: true,
            },
          },
        },
      },
      pricingRules: {
        orderBy: [{ priority: "desc" }, { createdAt: "asc" }],
        select: {
          id: true,
          methods: true,
          pathPattern: true,
          priceAtomic: true,
          network: true,
          asset: true,
          billingMode: true,
          settlementPolicy: true,
          active: true,
          // what pricing its 402 needs (server/x402/requirements.ts), for the ways to pay it offers
          description: true,
          bundleSize: true,
          passDurationSeconds: true,
          upstreamPath: true,
          inputSchema: true,
          outputSchema: true,
          meteringHeader: true,
          meteringFallback: true,
          ...WITH_PAYMENT_OPTIONS,
        },
      },
      apiKeys: {
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          name: true,
          prefix: true,
          partialKey: true,
          createdAt: true,
          lastUsedAt: true,
          revokedAt: true,
        },
      },
    },
  });
  if (!merchant) throw new AppError("not_found", "No such merchant");
  const registry = getNetworkRegistry(deps.env);
  const [payments, failureReasons, alerts, totals] = await Promise.all([
    listTransactions(deps, { merchantId: opts.merchantId, limit: 10 }),
    deps.db.$queryRaw<{ stage: string; reason: string; count: bigint; last: Date }[]>`
      SELECT ${ERROR_STAGE} AS stage, coalesce("reason", 'unknown') AS reason, count(*) AS count, max("createdAt") AS last
        FROM "UsageRecord"
       WHERE "merchantId" = ${opts.merchantId} AND "createdAt" >= ${since} AND ${IS_ERROR}
       GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20`,
    deps.db.alert.findMany({
      where: { merchantId: opts.merchantId },
      orderBy: { openedAt: "desc" },
      take: 20,
      select: {
        id: true,
        rule: true,
        severity: true,
        status: true,
        title: true,
        openedAt: true,
        lastSeenAt: true,
        resolvedAt: true,
      },
    }),
    deps.db.$queryRaw<{ calls: bigint; paid: bigint; errors: bigint; revenue: string | null }[]>`
      SELECT count(*) AS calls, count(*) FILTER (WHERE "status" = 'CHARGED') AS paid, count(*) FILTER (WHERE ${IS_ERROR}) AS errors,
             (sum("amountAtomic") FILTER (WHERE "status" = 'CHARGED'))::text AS revenue
        FROM "UsageRecord" WHERE "merchantId" = ${opts.merchantId} AND "createdAt" >= ${since}`,
  ]);
  const t = totals[0];
  const calls = Number(t?.calls ?? 0);
  const errors = Number(t?.errors ?? 0);
  const {
    memberships,
    pricingRules,
    apiKeys,
    payoutAddressCiphertext,
    payoutAddressKeyId,
    ...profile
  } = merchant;
  const payoutAddress = openPayoutAddress(
    { payoutAddressCiphertext, payoutAddressKeyId },
    deps.env,
  );
  const payTo =
    merchant.settlementMode === "PLATFORM"
      ? (deps.env.PLATFORM_PAYOUT_ADDRESS?.toLowerCase() ?? null)
      : payoutAddress;
  const gatewayOrigin = new URL(deps.env.GATEWAY_URL).origin;
  return {
    ...profile,
    payoutAddress,
    members: memberships.map((m) => ({
      id: m.id,
      role: m.role,
      createdAt: m.createdAt,
      userId: m.user.id,
      email: m.user.email,
      name: m.user.name,
      walletAddress: openWalletAddress(m.user, deps.env),
    })),
    pricingRules: pricingRules.map((rule) => {
      const asset = registry.asset(rule.network, rule.asset);
      // the ways to pay as its 402 lists them (the same pricing the gateway does)
      const route = pricedRouteOf(registry, rule, {
        merchant: { id: merchant.id, name: merchant.name },
        payTo: payTo ?? "",
        resourceUrl: `${gatewayOrigin}${gatewayPathPrefix(deps.env.GATEWAY_URL, merchant.id)}${rule.pathPattern}`,
      });
      const r = {
        id: rule.id,
        methods: rule.methods,
        pathPattern: rule.pathPattern,
        priceAtomic: rule.priceAtomic,
        network: rule.network,
        asset: rule.asset,
        billingMode: rule.billingMode,
        settlementPolicy: rule.settlementPolicy,
        active: rule.active,
      };
      return {
        ...r,
        offer: route ? describeOffer(route) : [],
        priceAtomic: r.priceAtomic.toFixed(),
        price: asset
          ? formatAtomic(BigInt(r.priceAtomic.toFixed()), asset.decimals)
          : r.priceAtomic.toFixed(),
        assetSymbol: asset?.symbol ?? "?",
        decimals: asset?.decimals ?? 6,
      };
    }),
    apiKeys,
    recentPayments: payments.items,
    failureReasons: failureReasons.map((f) => ({
      stage: f.stage,
      reason: f.reason,
      count: Number(f.count),
      last: f.last,
    })),
    alerts,
    metrics: {
      days: MERCHANT_METRICS_DAYS,
      calls,
      paidCalls: Number(t?.paid ?? 0),
      errors,
      errorRate: calls === 0 ? null : errors / calls,
      revenueAtomic: BigInt(t?.revenue ?? "0"),
    },
  };
}

export const disableMerchantInput = z.object({
  reason: z.string().trim().min(3, vmsg("admin.disableReason")).max(500),
});

type Transition = {
  action: "merchant.approve" | "merchant.disable" | "merchant.enable";
  from: MerchantStatus[];
  to: MerchantStatus;
  reason: string | null;
};

// The status only moves from an expected state, checked in the UPDATE itself so two admins acting
// at once cannot both succeed (the loser gets a conflict, not a silent overwrite).
async function transition(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; merchantId: string; t: Transition },
) {
  const result = await deps.db.$transaction(async (tx) => {
    const before = await tx.merchant.findUnique({
      where: { id: opts.merchantId },
      select: { status: true, statusReason: true },
    });
    if (!before) throw new AppError("not_found", "No such merchant");
    const updated = await tx.merchant.updateMany({
      where: { id: opts.merchantId, status: { in: opts.t.from } },
      data: { status: opts.t.to, statusReason: opts.t.reason },
    });
    if (updated.count === 0) {
      throw new AppError(
        "conflict",
        `The merchant is ${before.status.toLowerCase().replace("_", " ")}; it cannot be ${opts.t.to === "ACTIVE" ? (opts.t.action === "merchant.approve" ? "approved" : "re-enabled") : "disabled"} from there`,
      );
    }
    const after = { status: opts.t.to, statusReason: opts.t.reason };
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: opts.t.action,
      targetType: "merchant",
      targetId: opts.merchantId,
      before,
      after,
    });
    return after;
  });
  // after the commit: the gateway's snapshot cache drops the merchant and reloads the new status
  publishMerchantConfigChanged(opts.merchantId);
  return result;
}

export function approveMerchant(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; merchantId: string },
) {
  return transition(deps, {
    ...opts,
    t: { action: "merchant.approve", from: ["PENDING_REVIEW"], to: "ACTIVE", reason: null },
  });
}

export function disableMerchant(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; merchantId: string; reason: string },
) {
  return transition(deps, {
    ...opts,
    t: {
      action: "merchant.disable",
      from: ["ACTIVE", "PENDING_REVIEW"],
      to: "DISABLED",
      reason: opts.reason,
    },
  });
}

export function enableMerchant(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; merchantId: string },
) {
  return transition(deps, {
    ...opts,
    t: { action: "merchant.enable", from: ["DISABLED"], to: "ACTIVE", reason: null },
  });
}

export const settlementModeSchema = z.enum(["DIRECT", "PLATFORM"]);

/**
 * How the merchant is paid from now on: DIRECT (payers pay its wallet) or PLATFORM (payers pay the
 * treasury; settlement runs pay it out). Past payments keep the `payTo` they were made to, so the
 * ledger and open balances stay right across a change. Audited; the gateway picks it up at once.
 */
export async function setMerchantSettlementMode(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; merchantId: string; mode: z.infer<typeof settlementModeSchema> },
) {
  const result = await deps.db.$transaction(async (tx) => {
    const before = await tx.merchant.findUnique({
      where: { id: opts.merchantId },
      select: { settlementMode: true },
    });
    if (!before) throw new AppError("not_found", "No such merchant");
    const after = await tx.merchant.update({
      where: { id: opts.merchantId },
      data: { settlementMode: opts.mode },
      select: { settlementMode: true },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "merchant.settlement_mode.update",
      targetType: "merchant",
      targetId: opts.merchantId,
      before,
      after,
    });
    return after;
  });
  publishMerchantConfigChanged(opts.merchantId);
  return result;
}

/**
 * Which facilitator verifies and settles the merchant's payments from now on: LOCAL (this
 * deployment's own, FACILITATOR_PRIVATE_KEY) or HOSTED (the platform's hosted facilitator, from the
 * admin settings or the environment). Refused when the chosen one is not configured, so a switch
 * can never leave the merchant's paid routes answering "unavailable". Payments in flight keep the
 * facilitator they were reserved with. Audited; the gateway picks it up at once.
 */
export async function setMerchantFacilitator(
  deps: Pick<Deps, "db" | "env">,
  opts: { actor: AuditActor; merchantId: string; kind: z.infer<typeof facilitatorKindSchema> },
) {
  if (opts.kind === "HOSTED" && !(await readHostedFacilitatorConfig(deps)).config) {
    throw fieldError("facilitator", vmsg("admin.noHostedFacilitator"));
  }
  if (opts.kind === "LOCAL" && !deps.env.FACILITATOR_PRIVATE_KEY) {
    throw fieldError("facilitator", vmsg("admin.noLocalFacilitator"));
  }
  const result = await deps.db.$transaction(async (tx) => {
    const before = await tx.merchant.findUnique({
      where: { id: opts.merchantId },
      select: { facilitator: true },
    });
    if (!before) throw new AppError("not_found", "No such merchant");
    const after = await tx.merchant.update({
      where: { id: opts.merchantId },
      data: { facilitator: opts.kind },
      select: { facilitator: true },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "merchant.facilitator.update",
      targetType: "merchant",
      targetId: opts.merchantId,
      before,
      after,
    });
    return after;
  });
  publishMerchantConfigChanged(opts.merchantId);
  return result;
}
