"use client";

import { ShieldCheck } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";

import { DateTime } from "@/app/_components/date-time";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { formatDateTime } from "@/app/_lib/utils";
import type { AlertDto } from "@/server/alerts/alerts";

const SEVERITY_VARIANT = { INFO: "info", WARNING: "warning", CRITICAL: "danger" } as const;

/** What a viewer may do with an open alert (absent: the table is read-only). */
export type AlertActions = {
  onAcknowledge: (alertId: string) => void;
  onResolve: (alertId: string) => void;
  pending: boolean;
};

/** Stored alerts, open first; `showMerchant` adds the merchant column (the platform's risk page). */
export function AlertsTable({
  alerts,
  showMerchant = false,
  actions,
}: {
  alerts: (AlertDto & { merchantName?: string | null })[];
  showMerchant?: boolean;
  actions?: AlertActions;
}) {
  const t = useTranslations("common");
  const locale = useLocale();
  if (alerts.length === 0) {
    return (
      <EmptyState
        icon={ShieldCheck}
        title={t("alerts.emptyTitle")}
        description={t("alerts.emptyDescription")}
      />
    );
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
            {actions ? <TableHead className="text-right">{t("alerts.actions")}</TableHead> : null}
          </TableRow>
        </TableHeader>
        <TableBody>
          {alerts.map((a) => (
            <TableRow key={a.id} data-testid="alert-row" data-rule={a.rule}>
              <TableCell>
                <span className="flex flex-wrap items-center gap-1">
                  <StatusBadge status={a.status} />
                  {a.status === "OPEN" && a.acknowledgedAt ? (
                    <Badge
                      variant="outline"
                      title={t("alerts.acknowledgedAt", {
                        time: formatDateTime(a.acknowledgedAt, { locale }),
                      })}
                    >
                      {t("alerts.acknowledged")}
                    </Badge>
                  ) : null}
                </span>
              </TableCell>
              <TableCell>
                <Badge variant={SEVERITY_VARIANT[a.severity]}>
                  {t(`alerts.severityLevel.${a.severity}`)}
                </Badge>
              </TableCell>
              {showMerchant ? (
                <TableCell>
                  {a.merchantId ? (
                    <>
                      <span>{a.merchantName}</span>
                      <span className="block font-mono text-xs text-muted-foreground">
                        {a.merchantId}
                      </span>
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
              <TableCell className="text-muted-foreground">
                <DateTime value={a.openedAt} />
              </TableCell>
              <TableCell className="text-muted-foreground">
                <DateTime value={a.resolvedAt ?? a.lastSeenAt} />
              </TableCell>
              {actions ? (
                <TableCell className="text-right">
                  {a.status === "OPEN" ? (
                    <span className="inline-flex gap-1">
                      {a.acknowledgedAt ? null : (
                        <Button
                          type="button"
                          size="sm"
                          variant="ghost"
                          disabled={actions.pending}
                          onClick={() => actions.onAcknowledge(a.id)}
                        >
                          {t("alerts.acknowledge")}
                        </Button>
                      )}
                      <Button
                        type="button"
                        size="sm"
                        variant="secondary"
                        disabled={actions.pending}
                        onClick={() => actions.onResolve(a.id)}
                      >
                        {t("alerts.resolve")}
                      </Button>
                    </span>
                  ) : null}
                </TableCell>
              ) : null}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
