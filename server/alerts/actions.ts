import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import type { Db } from "@/server/db";
import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";
import { enqueueWebhookEvent } from "@/server/webhooks/webhooks";

import { alertEvent } from "./evaluate";

// What people do with an alert: acknowledge it (seen; it stays OPEN, so the rules keep refreshing
// it and resolve it when the condition clears) or resolve it by hand (closed now; if the condition
// still holds, the next run opens a new alert). Platform admins act on any alert; a merchant's
// owners and admins on their own. Each action is audited in the transaction of the change, and a
// manual resolve queues the merchant's alert.resolved webhook as the rules' resolve does.

type AlertScope = { merchantId: string } | { platform: true };

const whereScoped = (alertId: string, scope: AlertScope) =>
  "merchantId" in scope ? { id: alertId, merchantId: scope.merchantId } : { id: alertId };

async function findAlert(db: Db, alertId: string, scope: AlertScope) {
  const alert = await db.alert.findFirst({
    where: whereScoped(alertId, scope),
    select: { id: true, merchantId: true, status: true, acknowledgedAt: true },
  });
  if (!alert) throw new AppError("not_found", "No such alert");
  return alert;
}

async function acknowledge(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; alertId: string; scope: AlertScope },
) {
  const now = deps.now();
  return deps.db.$transaction(async (tx) => {
    const alert = await findAlert(tx, opts.alertId, opts.scope);
    if (alert.status !== "OPEN") throw new AppError("conflict", "This alert is already resolved");
    if (alert.acknowledgedAt) return { id: alert.id, acknowledgedAt: alert.acknowledgedAt };
    await tx.alert.updateMany({
      where: { ...whereScoped(alert.id, opts.scope), status: "OPEN" },
      data: { acknowledgedAt: now, acknowledgedBy: opts.actor.userId ?? null },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: alert.merchantId,
      action: "alert.acknowledge",
      targetType: "alert",
      targetId: alert.id,
      before: { acknowledgedAt: null },
      after: { acknowledgedAt: now },
    });
    return { id: alert.id, acknowledgedAt: now };
  });
}

async function resolve(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; alertId: string; scope: AlertScope },
) {
  const now = deps.now();
  return deps.db.$transaction(async (tx) => {
    const alert = await findAlert(tx, opts.alertId, opts.scope);
    const updated = await tx.alert.updateMany({
      where: { ...whereScoped(alert.id, opts.scope), status: "OPEN" },
      data: {
        status: "RESOLVED",
        openKey: null,
        resolvedAt: now,
        resolvedBy: opts.actor.userId ?? null,
      },
    });
    if (updated.count === 0) throw new AppError("conflict", "This alert is already resolved");
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: alert.merchantId,
      action: "alert.resolve",
      targetType: "alert",
      targetId: alert.id,
      before: { status: "OPEN" },
      after: { status: "RESOLVED", resolvedAt: now },
    });
    if (alert.merchantId) {
      const row = await tx.alert.findFirstOrThrow({
        where: { id: alert.id, merchantId: alert.merchantId },
      });
      await enqueueWebhookEvent(tx, {
        merchantId: alert.merchantId,
        type: "alert.resolved",
        eventId: `${alert.id}:alert.resolved`,
        data: alertEvent(row, row.details),
        at: now,
      });
    }
    return { id: alert.id, status: "RESOLVED" as const, resolvedAt: now };
  });
}

export function adminAcknowledgeAlert(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; alertId: string },
) {
  return acknowledge(deps, { ...opts, scope: { platform: true } });
}

export function adminResolveAlert(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; alertId: string },
) {
  return resolve(deps, { ...opts, scope: { platform: true } });
}

export function acknowledgeMerchantAlert(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; merchantId: string; alertId: string },
) {
  return acknowledge(deps, {
    actor: opts.actor,
    alertId: opts.alertId,
    scope: { merchantId: opts.merchantId },
  });
}

export function resolveMerchantAlert(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; merchantId: string; alertId: string },
) {
  return resolve(deps, {
    actor: opts.actor,
    alertId: opts.alertId,
    scope: { merchantId: opts.merchantId },
  });
}
