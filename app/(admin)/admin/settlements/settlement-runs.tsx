"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { StatusBadge } from "@/app/_components/status-badge";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/app/_components/ui/alert-dialog";
import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";

// to the second: a period ending "now" must include the payments of the current minute
const toLocalInput = (d: Date) =>
  new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);

export function SettlementRuns() {
  const t = useTranslations("admin");
  const locale = useLocale();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const now = new Date();
  const [periodStart, setPeriodStart] = useState(
    toLocalInput(new Date(now.getFullYear(), now.getMonth(), 1)),
  );
  const [periodEnd, setPeriodEnd] = useState(toLocalInput(now));
  const [confirming, setConfirming] = useState(false);
  const runs = api.admin.billing.settlementRuns.list.useQuery(undefined, {
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === "RUNNING") ? 1_000 : 10_000),
  });
  const start = api.admin.billing.settlementRuns.start.useMutation({
    onSuccess: async (started) => {
      await utils.admin.billing.settlementRuns.list.invalidate();
      toast.success(started.created ? t("settlements.started") : t("settlements.resumed"));
    },
    onError: (err) => toast.error(errorText(err)),
  });
  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>{t("settlements.runTitle")}</CardTitle>
          <CardDescription>{t("settlements.runDescription")}</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-wrap items-end gap-4">
          <div className="grid gap-1.5">
            <Label htmlFor="period-start">{t("settlements.from")}</Label>
            <Input
              id="period-start"
              type="datetime-local"
              step={1}
              value={periodStart}
              onChange={(e) => setPeriodStart(e.target.value)}
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="period-end">{t("settlements.until")}</Label>
            <Input
              id="period-end"
              type="datetime-local"
              step={1}
              value={periodEnd}
              onChange={(e) => setPeriodEnd(e.target.value)}
            />
          </div>
          <Button variant="outline" onClick={() => setPeriodEnd(toLocalInput(new Date()))}>
            {t("settlements.untilNow")}
          </Button>
          <Button onClick={() => setConfirming(true)} disabled={start.isPending}>
            {t("settlements.run")}
          </Button>
        </CardContent>
      </Card>

      {(runs.data ?? []).map((run) => (
        <Card key={run.id} data-testid="settlement-run">
          <CardHeader className="flex flex-row items-start justify-between gap-4">
            <div>
              <CardTitle className="text-base">
                {t("settlements.period", {
                  start: formatDateTime(run.periodStart, { locale }),
                  end: formatDateTime(run.periodEnd, { locale }),
                })}
              </CardTitle>
              <CardDescription>
                {t("settlements.confirmedCount", {
                  confirmed: run.payouts.filter((p) => p.status === "CONFIRMED").length,
                  total: run.payouts.length,
                })}
                {run.error ? ` · ${run.error}` : ""}
              </CardDescription>
            </div>
            <StatusBadge status={run.status} />
          </CardHeader>
          <CardContent>
            {run.payouts.length === 0 ? (
              <p className="text-sm text-muted-foreground">{t("settlements.nothingOwed")}</p>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("shared.merchant")}</TableHead>
                    <TableHead className="text-right">{t("settlements.amountAtomic")}</TableHead>
                    <TableHead>{t("settlements.toAddress")}</TableHead>
                    <TableHead>{t("shared.status")}</TableHead>
                    <TableHead>{t("shared.transaction")}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {run.payouts.map((p) => (
                    <TableRow key={p.id} data-testid="payout-row">
                      <TableCell>{p.merchantName}</TableCell>
                      <TableCell className="text-right tabular-nums">{p.amountAtomic}</TableCell>
                      <TableCell className="font-mono text-xs">{p.toAddress}</TableCell>
                      <TableCell>
                        <StatusBadge status={p.status} />
                        {p.error && (
                          <span className="block text-xs text-destructive">{p.error}</span>
                        )}
                      </TableCell>
                      <TableCell className="font-mono text-xs">{p.txHash ?? "—"}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      ))}

      <AlertDialog open={confirming} onOpenChange={setConfirming}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>{t("settlements.confirmTitle")}</AlertDialogTitle>
            <AlertDialogDescription>{t("settlements.confirmDescription")}</AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>{t("shared.cancel")}</AlertDialogCancel>
            <AlertDialogAction
              onClick={() =>
                start.mutate({ periodStart: new Date(periodStart), periodEnd: new Date(periodEnd) })
              }
            >
              {t("settlements.run")}
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}
