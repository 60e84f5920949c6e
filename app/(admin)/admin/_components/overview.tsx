"use client";

import {
  Activity,
  AlertTriangle,
  Building2,
  CircleDollarSign,
  Landmark,
  Receipt,
  UserRound,
  Users,
} from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
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

// Amounts are shown in the platform's settlement asset (test USDC locally, USDC on Base): 6 decimals.
const DECIMALS = 6;
const SYMBOL = "USDC";

export function PlatformOverview() {
  const t = useTranslations("admin");
  const format = useFormatter();
  const errorText = useErrorText();
  const [period, setPeriod] = useState<RevenuePeriod>("week");
  const overview = api.admin.overview.get.useQuery(
    { period },
    { refetchOnMount: "always", refetchInterval: 60_000 },
  );
  const o = overview.data;
  const loading = overview.isLoading;
  if (overview.error) {
    return (
      <p role="alert" className="text-sm text-destructive">
        {t("overview.loadFailed", { error: errorText(overview.error) })}
      </p>
    );
  }
  const series = toChartPoints(o?.series ?? [], o?.bucket ?? "day", DECIMALS);
  const money = (v: bigint | null | undefined) =>
    v === null || v === undefined ? "—" : <Amount atomic={v} decimals={DECIMALS} symbol={SYMBOL} />;
  const count = (v: number | undefined) => format.number(v ?? 0);

  return (
    <div className="grid gap-6">
      <PeriodTabs value={period} onChange={setPeriod} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="overview-stats">
        <StatCard
          label={t("overview.calls")}
          icon={Activity}
          isLoading={loading}
          value={<span data-testid="overview-calls">{o?.calls ?? 0}</span>}
        />
        <StatCard
          label={t("overview.paidCalls")}
          icon={Receipt}
          isLoading={loading}
          value={count(o?.paidCalls)}
        />
        <StatCard
          label={t("overview.revenue")}
          icon={CircleDollarSign}
          isLoading={loading}
          value={money(o?.revenueAtomic)}
        />
        <StatCard
          label={t("overview.feeIncome")}
          icon={Landmark}
          isLoading={loading}
          value={money(o?.feeIncomeAtomic)}
        />
        <StatCard
          label={t("overview.activeMerchants")}
          icon={Building2}
          isLoading={loading}
          value={
            o
              ? t("overview.activeMerchantsValue", {
                  active: o.activeMerchants,
                  withTraffic: o.merchantsWithTraffic,
                })
              : 0
          }
        />
        <StatCard
          label={t("overview.distinctPayers")}
          icon={Users}
          isLoading={loading}
          value={count(o?.distinctPayers)}
        />
        <StatCard
          label={t("overview.failureRate")}
          icon={AlertTriangle}
          isLoading={loading}
          value={
            o?.failureRate === null || o?.failureRate === undefined
              ? "—"
              : format.number(o.failureRate, { style: "percent", maximumFractionDigits: 1 })
          }
        />
        <StatCard
          label={t("overview.arpu")}
          icon={UserRound}
          isLoading={loading}
          value={
            <span data-testid="overview-arpu">
              <AverageAmount atomic={o?.arpuAtomic} decimals={DECIMALS} symbol={SYMBOL} />
            </span>
          }
        />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>{t("overview.chartTitle")}</CardTitle>
        </CardHeader>
        <CardContent className="h-72">
          {!loading && (o?.calls ?? 0) === 0 ? (
            <EmptyState
              icon={Activity}
              title={t("overview.emptyTitle")}
              description={t("overview.emptyDescription")}
            />
          ) : (
            <CallsRevenueChart data={series} symbol={SYMBOL} showFees />
          )}
        </CardContent>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>{t("overview.topMerchants")}</CardTitle>
          </CardHeader>
          <CardContent>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("shared.merchant")}</TableHead>
                  <TableHead className="text-right">{t("shared.calls")}</TableHead>
                  <TableHead className="text-right">{t("shared.revenue")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {(o?.topMerchants ?? []).map((m) => (
                  <TableRow key={m.merchantId}>
                    <TableCell>
                      <Link
                        className="underline-offset-4 hover:underline"
                        href={`/admin/merchants/${m.merchantId}`}
                      >
                        {m.name}
                      </Link>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {format.number(m.calls)}
                    </TableCell>
                    <TableCell className="text-right">{money(m.revenueAtomic)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t("overview.topEndpoints")}</CardTitle>
          </CardHeader>
          <CardContent>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("overview.endpoint")}</TableHead>
                  <TableHead className="text-right">{t("shared.calls")}</TableHead>
                  <TableHead className="text-right">{t("shared.revenue")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {(o?.topEndpoints ?? []).map((e) => (
                  <TableRow key={e.ruleId}>
                    <TableCell>
                      <span className="font-mono text-xs">
                        {e.method} {e.pathPattern}
                      </span>
                      <span className="block text-xs text-muted-foreground">{e.merchantName}</span>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {format.number(e.calls)}
                    </TableCell>
                    <TableCell className="text-right">{money(e.revenueAtomic)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
