"use client";

import { Activity, AlertTriangle, CircleDollarSign, Gauge, Receipt } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";

import { Amount } from "@/app/_components/amount";
import { CallsRevenueChart } from "@/app/_components/calls-revenue-chart";
import { EmptyState } from "@/app/_components/empty-state";
import { StatCard } from "@/app/_components/stat-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { formatAmount } from "@/app/_lib/utils";
import { delta } from "@/server/billing/dashboard-math";

export function Dashboard({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const format = useFormatter();
  const errorText = useErrorText();
  const percent = (value: number) =>
    format.number(value, { style: "percent", maximumFractionDigits: 1 });
  // live numbers: fetched on every visit and refreshed while the page is open
  const dash = api.dashboard.get.useQuery(
    { merchantId },
    { refetchOnMount: "always", refetchInterval: 30_000 },
  );
  const loading = dash.isLoading;
  const d = dash.data;
  if (dash.error) {
    return (
      <p role="alert" className="text-sm text-destructive">
        {t("dashboard.loadFailed", { message: errorText(dash.error) })}
      </p>
    );
  }
  const decimals = d?.asset?.decimals ?? 6;
  const symbol = d?.asset?.symbol ?? "USDC";
  const hasCalls = (d?.days ?? []).some((day) => day.calls > 0);
  // the chart plots numbers; the cards above show exact amounts
  const series = (d?.days ?? []).map((day) => ({
    label: day.day.slice(5),
    calls: day.calls,
    paid: day.paidCalls,
    revenue: Number(formatAmount(day.revenueAtomic, decimals, { group: false })),
  }));

  return (
    <div className="grid gap-6">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5" data-testid="dashboard-stats">
        <StatCard
          label={t("dashboard.callsToday")}
          icon={Activity}
          isLoading={loading}
          value={<span data-testid="stat-calls">{d?.today.calls ?? 0}</span>}
          delta={d ? delta(d.today.calls, d.yesterday.calls) : null}
          deltaLabel={t("dashboard.vsYesterday")}
        />
        <StatCard
          label={t("dashboard.paidCalls")}
          icon={Receipt}
          isLoading={loading}
          value={<span data-testid="stat-paid-calls">{d?.today.paidCalls ?? 0}</span>}
          delta={d ? delta(d.today.paidCalls, d.yesterday.paidCalls) : null}
          deltaLabel={t("dashboard.vsYesterday")}
        />
        <StatCard
          label={t("dashboard.revenueToday")}
          icon={CircleDollarSign}
          isLoading={loading}
          value={
            <Amount atomic={d?.today.revenueAtomic ?? 0n} decimals={decimals} symbol={symbol} />
          }
          delta={d ? delta(d.today.revenueAtomic, d.yesterday.revenueAtomic) : null}
          deltaLabel={t("dashboard.vsYesterday")}
        />
        <StatCard
          label={t("dashboard.failureRate")}
          icon={AlertTriangle}
          isLoading={loading}
          value={
            d?.today.failureRate === null || d?.today.failureRate === undefined
              ? "—"
              : percent(d.today.failureRate)
          }
          delta={
            d && d.today.failureRate !== null && d.yesterday.failureRate !== null
              ? delta(d.today.failureRate, d.yesterday.failureRate)
              : null
          }
          deltaLabel={t("dashboard.vsYesterday")}
          isIncreaseBad
        />
        <StatCard
          label={t("dashboard.latency")}
          icon={Gauge}
          isLoading={loading}
          value={
            d?.today.p50LatencyMs === null || !d
              ? "—"
              : `${d.today.p50LatencyMs} / ${d.today.p95LatencyMs} ms`
          }
        />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>{t("dashboard.last30Days")}</CardTitle>
        </CardHeader>
        <CardContent className="h-72">
          {!loading && !hasCalls ? (
            <EmptyState
              icon={Activity}
              title={t("dashboard.emptyTitle")}
              description={t("dashboard.emptyDescription", { url: `/${merchantId}/…` })}
            />
          ) : (
            <CallsRevenueChart data={series} symbol={symbol} />
          )}
        </CardContent>
      </Card>
    </div>
  );
}
