import { z } from "zod";

import type { BillingMode, Db, PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import { vmsg } from "@/server/i18n/validation-keys";

// Bundles (N calls) and time passes (unlimited calls until a time): what one payment buys beyond
// the call that paid. The paying call is the first of a bundle's N.

export type GrantedEntitlement = {
  id: string;
  ruleId: string;
  billingMode: Exclude<BillingMode, "PER_REQUEST">;
  callsRemaining: number | null;
  expiresAt: Date | null;
};

export async function grantEntitlement(
  tx: Db,
  opts: {
    merchantId: string;
    ruleId: string;
    paymentId: string;
    payer: string;
    rule: {
      billingMode: BillingMode;
      bundleSize: number | null;
      passDurationSeconds: number | null;
    };
    at: Date;
  },
): Promise<GrantedEntitlement | null> {
  const { rule } = opts;
  if (rule.billingMode === "PER_REQUEST") return null;
  const bundle = rule.billingMode === "BUNDLE";
  const callsTotal = bundle ? (rule.bundleSize ?? 1) : null;
  const expiresAt = bundle
    ? null
    : new Date(opts.at.getTime() + (rule.passDurationSeconds ?? 0) * 1000);
  const created = await tx.entitlement.create({
    data: {
      id: createId("entitlement"),
      merchantId: opts.merchantId,
      ruleId: opts.ruleId,
      paymentId: opts.paymentId,
      payer: opts.payer.toLowerCase(),
      billingMode: rule.billingMode,
      callsTotal,
      callsRemaining: callsTotal === null ? null : callsTotal - 1,
      expiresAt,
    },
    select: { id: true, callsRemaining: true, expiresAt: true },
  });
  return {
    id: created.id,
    ruleId: opts.ruleId,
    billingMode: rule.billingMode,
    callsRemaining: created.callsRemaining,
    expiresAt: created.expiresAt,
  };
}

/**
 * Takes one call from the payer's entitlements for this rule: a live time pass covers it as it is;
 * a bundle gives up one call atomically (a conditional decrement, so parallel calls never take more
 * than remain). Null when nothing covers the call.
 */
export async function consumeEntitlement(
  db: PrismaClient,
  opts: { merchantId: string; ruleId: string; payer: string; now: Date },
): Promise<GrantedEntitlement | null> {
  const payer = opts.payer.toLowerCase();
  const pass = await db.entitlement.findFirst({
    where: {
      merchantId: opts.merchantId,
      ruleId: opts.ruleId,
      payer,
      billingMode: "TIME_PASS",
      revokedAt: null,
      expiresAt: { gt: opts.now },
    },
    orderBy: { expiresAt: "desc" },
    select: { id: true, expiresAt: true },
  });
  if (pass)
    return {
      id: pass.id,
      ruleId: opts.ruleId,
      billingMode: "TIME_PASS",
      callsRemaining: null,
      expiresAt: pass.expiresAt,
    };
  for (let attempt = 0; attempt < 5; attempt++) {
    const bundle = await db.entitlement.findFirst({
      where: {
        merchantId: opts.merchantId,
        ruleId: opts.ruleId,
        payer,
        billingMode: "BUNDLE",
        revokedAt: null,
        callsRemaining: { gt: 0 },
      },
      orderBy: { createdAt: "asc" },
      select: { id: true },
    });
    if (!bundle) return null;
    const taken = await db.entitlement.updateMany({
      where: { id: bundle.id, merchantId: opts.merchantId, callsRemaining: { gt: 0 } },
      data: { callsRemaining: { decrement: 1 } },
    });
    if (taken.count === 1) {
      const after = await db.entitlement.findUniqueOrThrow({
        where: { id: bundle.id },
        select: { callsRemaining: true },
      });
      return {
        id: bundle.id,
        ruleId: opts.ruleId,
        billingMode: "BUNDLE",
        callsRemaining: after.callsRemaining,
        expiresAt: null,
      };
    }
    // another call took the last one between the read and the decrement: look again
  }
  return null;
}

/** Gives a bundle call back when the upstream failed: an entitlement is not spent on a failure. */
export async function restoreEntitlementCall(
  db: PrismaClient,
  opts: { merchantId: string; entitlementId: string },
): Promise<void> {
  await db.entitlement.updateMany({
    where: { id: opts.entitlementId, merchantId: opts.merchantId, billingMode: "BUNDLE" },
    data: { callsRemaining: { increment: 1 } },
  });
}

/** The response header that tells a client what its entitlement has left. */
export function entitlementHeader(e: GrantedEntitlement): string {
  return e.billingMode === "BUNDLE"
    ? `mode=bundle; remaining=${e.callsRemaining ?? 0}; rule=${e.ruleId}`
    : `mode=time_pass; expires=${e.expiresAt?.toISOString() ?? ""}; rule=${e.ruleId}`;
}

export const listEntitlementsInput = z.object({
  payer: z
    .string()
    .trim()
    .regex(/^0x[0-9a-fA-F]{40}$/, vmsg("merchants.address"))
    .transform((v) => v.toLowerCase())
    .optional(),
  state: z.enum(["active", "all"]).default("active"),
});

export const entitlementDtoSchema = z.object({
  id: z.string(),
  payer: z.string(),
  billingMode: z.enum(["BUNDLE", "TIME_PASS"]),
  rule: z.object({ id: z.string(), pathPattern: z.string(), methods: z.array(z.string()) }),
  callsTotal: z.number().int().nullable(),
  callsRemaining: z.number().int().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  active: z.boolean(),
  callsServed: z.number().int(),
  paymentId: z.string(),
  createdAt: z.date(),
});
export type EntitlementDto = z.infer<typeof entitlementDtoSchema>;

/** A merchant's bundles and time passes, newest first, with how many calls each has served. */
export async function listEntitlements(
  deps: { db: PrismaClient; now: () => Date },
  opts: { merchantId: string } & z.infer<typeof listEntitlementsInput>,
): Promise<EntitlementDto[]> {
  const now = deps.now();
  const live = {
    revokedAt: null,
    OR: [
      { billingMode: "TIME_PASS" as const, expiresAt: { gt: now } },
      { billingMode: "BUNDLE" as const, callsRemaining: { gt: 0 } },
    ],
  };
  const rows = await deps.db.entitlement.findMany({
    where: {
      merchantId: opts.merchantId,
      ...(opts.payer ? { payer: opts.payer } : {}),
      ...(opts.state === "active" ? live : {}),
    },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      payer: true,
      billingMode: true,
      callsTotal: true,
      callsRemaining: true,
      expiresAt: true,
      revokedAt: true,
      paymentId: true,
      createdAt: true,
      rule: { select: { id: true, pathPattern: true, methods: true } },
      _count: { select: { usageRecords: { where: { status: "ENTITLED" } } } },
    },
  });
  return rows.map(({ _count, ...row }) => {
    const active =
      row.revokedAt === null &&
      (row.billingMode === "TIME_PASS"
        ? (row.expiresAt?.getTime() ?? 0) > now.getTime()
        : (row.callsRemaining ?? 0) > 0);
    // the paying call is the first of what the payment bought
    return {
      ...row,
      billingMode: row.billingMode as "BUNDLE" | "TIME_PASS",
      active,
      callsServed: _count.usageRecords + 1,
    };
  });
}
