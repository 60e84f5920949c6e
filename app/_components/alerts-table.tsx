"use client";

import { ShieldCheck } from "lucide-react";
import { useTranslations } from "next-intl";

import { DateTime } from "@/app/_components/date-time";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Badge } from "@/app/_components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import type { AlertDto } from "@/server/alerts/alerts";

const SEVERITY_VARIANT = { INFO: "info", WARNING: "warning", CRITICAL: "danger" } as const;

/** Stored alerts, open first; `showMerchant` adds the merchant column (the platform's risk page). */
export function AlertsTable({ alerts, showMerchant = false }: { alerts: (AlertDto & { merchantName?: string | null })[]; showMerchant?: boolean }) {
  const t = useTranslations("common");
  if (alerts.length === 0) {
    return <EmptyState icon={ShieldCheck} title={t("alerts.emptyTitle")} description={t("alerts.emptyDescription")} />;
  }
  return (
    <div className="rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>{t("alerts.status")}</TableHead>
            <TableHead>{t("alerts.severity")}</TableHead>
            {showMerchant ? <TableHead>{t("alerts.merchant")}</TableHead> : null}
            <TableHead>{t("alerts.alert")}</TableHead>
            <TableHead>{t("alerts.opened")}</TableHead>
            <TableHead>{t("alerts.lastSeen")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {alerts.map((a) => (
            <TableRow key={a.id} data-testid="alert-row" data-rule={a.rule}>
              <TableCell>
                <StatusBadge status={a.status} />
              </TableCell>
              <TableCell>
                <Badge variant={SEVERITY_VARIANT[a.severity]}>{t(`alerts.severityLevel.${a.severity}`)}</Badge>
              </TableCell>
              {showMerchant ? (
                <TableCell>
                  {a.merchantId ? (
                    <>
                      <span>{a.merchantName}</span>
                      <span className="block font-mono text-xs text-muted-foreground">{a.merchantId}</span>
                    </>
                  ) : (
                    <span className="text-muted-foreground">{t("alerts.platform")}</span>
                  )}
                </TableCell>
              ) : null}
              <TableCell className="max-w-md">
                <span className="font-medium">{a.title}</span>
                <span className="block font-mono text-xs text-muted-foreground">{a.rule}</span>
              </TableCell>
              <TableCell className="text-muted-foreground"><DateTime value={a.openedAt} /></TableCell>
              <TableCell className="text-muted-foreground"><DateTime value={a.resolvedAt ?? a.lastSeenAt} /></TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
