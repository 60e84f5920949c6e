"use client";

import {
  Activity,
  CircleDollarSign,
  Landmark,
  Receipt,
  UserRound,
  Users,
  Wallet,
} from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";

import { Amount, AverageAmount } from "@/app/_components/amount";
import {
  CallsRevenueChart,
  PeriodTabs,
  toChartPoints,
  type RevenuePeriod,
} from "@/app/_components/calls-revenue-chart";
import { EmptyState } from "@/app/_components/empty-state";
import { StatCard } from "@/app/_components/stat-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";

// Amounts are in the payment asset (test USDC locally, USDC on Base), as on the admin overview.
const DECIMALS = 6;
const SYMBOL = "USDC";

export function Revenue({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const format = useFormatter();
  const errorText = useErrorText();
  const [period, setPeriod] = useState<RevenuePeriod>("week");
  const revenue = api.dashboard.revenue.useQuery(
    { merchantId, period },
    { refetchOnMount: "always", refetchInterval: 60_000 },
  );
  const r = revenue.data;
  const loading = revenue.isLoading;
  if (revenue.error) {
    return (
      <p role="alert" className="text-sm text-destructive">
        {t("revenue.loadFailed", { message: errorText(revenue.error) })}
      </p>
    );
  }
  const money = (v: bigint | null | undefined) =>
    v === null || v === undefined ? "—" : <Amount atomic={v} decimals={DECIMALS} symbol={SYMBOL} />;
  return (
    <div className="grid gap-6">
      <PeriodTabs value={period} onChange={setPeriod} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="revenue-stats">
        <StatCard
          label={t("revenue.calls")}
          icon={Activity}
          isLoading={loading}
          value={r?.calls ?? 0}
        />
        <StatCard
          label={t("revenue.paidCalls")}
          icon={Receipt}
          isLoading={loading}
          value={<span data-testid="revenue-paid-calls">{r?.paidCalls ?? 0}</span>}
        />
        <StatCard
          label={t("revenue.revenue")}
          icon={CircleDollarSign}
          isLoading={loading}
          value={<span data-testid="revenue-gross">{money(r?.revenueAtomic)}</span>}
        />
        <StatCard
          label={t("revenue.platformShare")}
          icon={Landmark}
          isLoading={loading}
          value={
            <span data-testid="revenue-fees">
              {money(r?.feesAtomic)}
              {r?.platformShare !== null && r?.platformShare !== undefined && (
                <span className="ml-2 text-sm text-muted-foreground">
                  {format.number(r.platformShare, { style: "percent", maximumFractionDigits: 2 })}
                </span>
              )}
            </span>
          }
        />
        <StatCard
          label={t("revenue.net")}
          icon={Wallet}
          isLoading={loading}
          value={money(r?.netAtomic)}
        />
        <StatCard
          label={t("revenue.distinctPayers")}
          icon={Users}
          isLoading={loading}
          value={r?.distinctPayers ?? 0}
        />
        <StatCard
          label={t("revenue.arpu")}
          icon={UserRound}
          isLoading={loading}
          value={
            <span data-testid="revenue-arpu">
              <AverageAmount atomic={r?.arpuAtomic} decimals={DECIMALS} symbol={SYMBOL} />
            </span>
          }
        />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>{t("revenue.chartTitle")}</CardTitle>
        </CardHeader>
        <CardContent className="h-72">
          {!loading && (r?.calls ?? 0) === 0 ? (
            <EmptyState
              icon={Activity}
              title={t("revenue.emptyTitle")}
              description={t("revenue.emptyDescription")}
            />
          ) : (
            <CallsRevenueChart
              data={toChartPoints(r?.series ?? [], r?.bucket ?? "day", DECIMALS)}
              symbol={SYMBOL}
              showFees
            />
          )}
        </CardContent>
      </Card>
    </div>
  );
}
