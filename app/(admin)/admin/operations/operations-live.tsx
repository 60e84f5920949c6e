"use client";

import { useFormatter, useTranslations } from "next-intl";

import { StatCard } from "@/app/_components/stat-card";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";

export function OperationsLive() {
  const t = useTranslations("admin");
  const format = useFormatter();
  const rate = (v: number) => format.number(v, { maximumFractionDigits: 1 });
  const ms = (v: number | null) => (v === null ? "—" : t("operations.milliseconds", { value: v }));
  const view = api.admin.operations.useQuery(undefined, { refetchInterval: 5_000 });
  const data = view.data;
  if (data && !data.enabled)
    return <p className="text-sm text-muted-foreground">{t("operations.metricsOff")}</p>;
  const live = data?.enabled ? data : null;
  return (
    <div className="grid gap-6">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard
          label={t("operations.requestsPerSecond")}
          value={live ? rate(live.requestsPerSecond) : ""}
          isLoading={!live}
        />
        <StatCard
          label={t("operations.errorRate")}
          value={
            live
              ? live.errorRate === null
                ? "—"
                : format.number(live.errorRate, { style: "percent", maximumFractionDigits: 1 })
              : ""
          }
          isLoading={!live}
        />
        <StatCard
          label={t("operations.settlementP50")}
          value={live ? ms(live.settlement.p50Ms) : ""}
          isLoading={!live}
        />
        <StatCard
          label={t("operations.settlementP95")}
          value={live ? ms(live.settlement.p95Ms) : ""}
          isLoading={!live}
        />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("operations.queue")}</TableHead>
                <TableHead className="text-right">{t("operations.depth")}</TableHead>
                <TableHead className="text-right">{t("operations.oldest")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {(live?.queues ?? []).map((q) => (
                <TableRow key={q.queue} data-testid="queue-row">
                  <TableCell className="font-mono text-xs">{q.queue}</TableCell>
                  <TableCell className="text-right tabular-nums">{q.depth}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    {rate(q.oldestAgeSeconds)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
        <div className="rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("operations.outcome")}</TableHead>
                <TableHead className="text-right">{t("operations.requestsPerSecond")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {Object.entries(live?.byOutcome ?? {}).map(([outcome, perSecond]) => (
                <TableRow key={outcome}>
                  <TableCell className="font-mono text-xs">{outcome}</TableCell>
                  <TableCell className="text-right tabular-nums">{rate(perSecond)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      </div>
      {live ? (
        <p className="text-xs text-muted-foreground">
          {t("operations.window", {
            seconds: live.windowSeconds,
            time: format.dateTime(new Date(live.at), { timeStyle: "medium" }),
          })}
        </p>
      ) : null}
    </div>
  );
}
