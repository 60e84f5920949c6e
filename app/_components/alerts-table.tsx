"use client";

import { ShieldCheck } from "lucide-react";

import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { formatDateTime } from "@/app/_lib/utils";
import type { AlertDto } from "@/server/alerts/alerts";

const SEVERITY_VARIANT = { INFO: "info", WARNING: "warning", CRITICAL: "danger" } as const;

/** What a viewer may do with an open alert (absent: the table is read-only). */
export type AlertActions = { onAcknowledge: (alertId: string) => void; onResolve: (alertId: string) => void; pending: boolean };

/** Stored alerts, open first; `showMerchant` adds the merchant column (the platform's risk page). */
export function AlertsTable({ alerts, showMerchant = false, actions }: { alerts: (AlertDto & { merchantName?: string | null })[]; showMerchant?: boolean; actions?: AlertActions }) {
  if (alerts.length === 0) {
    return <EmptyState icon={ShieldCheck} title="No alerts" description="Nothing has crossed a threshold. Rules run every minute on the recent traffic." />;
  }
  return (
    <div className="rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>Status</TableHead>
            <TableHead>Severity</TableHead>
            {showMerchant ? <TableHead>Merchant</TableHead> : null}
            <TableHead>Alert</TableHead>
            <TableHead>Opened</TableHead>
            <TableHead>Last seen / resolved</TableHead>
            {actions ? <TableHead className="text-right">Actions</TableHead> : null}
          </TableRow>
        </TableHeader>
        <TableBody>
          {alerts.map((a) => (
            <TableRow key={a.id} data-testid="alert-row" data-rule={a.rule}>
              <TableCell>
                <span className="flex flex-wrap items-center gap-1">
                  <StatusBadge status={a.status} />
                  {a.status === "OPEN" && a.acknowledgedAt ? (
                    <Badge variant="outline" title={`acknowledged ${formatDateTime(a.acknowledgedAt)}`}>
                      acknowledged
                    </Badge>
                  ) : null}
                </span>
              </TableCell>
              <TableCell>
                <Badge variant={SEVERITY_VARIANT[a.severity]}>{a.severity.toLowerCase()}</Badge>
              </TableCell>
              {showMerchant ? (
                <TableCell>
                  {a.merchantId ? (
                    <>
                      <span>{a.merchantName}</span>
                      <span className="block font-mono text-xs text-muted-foreground">{a.merchantId}</span>
                    </>
                  ) : (
                    <span className="text-muted-foreground">platform</span>
                  )}
                </TableCell>
              ) : null}
              <TableCell className="max-w-md">
                <span className="font-medium">{a.title}</span>
                <span className="block font-mono text-xs text-muted-foreground">{a.rule}</span>
              </TableCell>
              <TableCell className="text-muted-foreground">{formatDateTime(a.openedAt)}</TableCell>
              <TableCell className="text-muted-foreground">{formatDateTime(a.resolvedAt ?? a.lastSeenAt)}</TableCell>
              {actions ? (
                <TableCell className="text-right">
                  {a.status === "OPEN" ? (
                    <span className="inline-flex gap-1">
                      {a.acknowledgedAt ? null : (
                        <Button type="button" size="sm" variant="ghost" disabled={actions.pending} onClick={() => actions.onAcknowledge(a.id)}>
                          Acknowledge
                        </Button>
                      )}
                      <Button type="button" size="sm" variant="secondary" disabled={actions.pending} onClick={() => actions.onResolve(a.id)}>
                        Resolve
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
