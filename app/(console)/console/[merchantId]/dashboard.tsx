"use client";

import { Activity, AlertTriangle, CircleDollarSign, Gauge, Receipt } from "lucide-react";

import { Amount } from "@/app/_components/amount";
import { CallsRevenueChart } from "@/app/_components/calls-revenue-chart";
import { EmptyState } from "@/app/_components/empty-state";
import { StatCard } from "@/app/_components/stat-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { api } from "@/app/_lib/trpc/react";
import { formatAmount } from "@/app/_lib/utils";
import { delta } from "@/server/billing/dashboard-math";

const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

export function Dashboard({ merchantId }: { merchantId: string }) {
  // live numbers: fetched on every visit and refreshed while the page is open
  const dash = api.dashboard.get.useQuery({ merchantId }, { refetchOnMount: "always", refetchInterval: 30_000 });
  const loading = dash.isLoading;
  const d = dash.data;
  if (dash.error) {
    return (
      <p role="alert" className="text-sm text-destructive">
        Could not load the dashboard: {dash.error.message}
      </p>
    );
  }
  const decimals = d?.asset?.decimals ?? 6;
  const symbol = d?.asset?.symbol ?? "USDC";
  const hasCalls = (d?.days ?? []).some((day) => day.calls > 0);
  // the chart plots numbers; the cards above show exact amounts
  const series = (d?.days ?? []).map((day) => ({ label: day.day.slice(5), calls: day.calls, paid: day.paidCalls, revenue: Number(formatAmount(day.revenueAtomic, decimals, { group: false })) }));

  return (
    <div className="grid gap-6">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5" data-testid="dashboard-stats">
        <StatCard label="Calls today" icon={Activity} isLoading={loading} value={<span data-testid="stat-calls">{d?.today.calls ?? 0}</span>} delta={d ? delta(d.today.calls, d.yesterday.calls) : null} deltaLabel="vs yesterday" />
        <StatCard label="Paid calls" icon={Receipt} isLoading={loading} value={<span data-testid="stat-paid-calls">{d?.today.paidCalls ?? 0}</span>} delta={d ? delta(d.today.paidCalls, d.yesterday.paidCalls) : null} deltaLabel="vs yesterday" />
        <StatCard
          label="Revenue today"
          icon={CircleDollarSign}
          isLoading={loading}
          value={<Amount atomic={d?.today.revenueAtomic ?? 0n} decimals={decimals} symbol={symbol} />}
          delta={d ? delta(d.today.revenueAtomic, d.yesterday.revenueAtomic) : null}
          deltaLabel="vs yesterday"
        />
        <StatCard
          label="Failure rate"
          icon={AlertTriangle}
          isLoading={loading}
          value={d?.today.failureRate === null || d?.today.failureRate === undefined ? "—" : percent.format(d.today.failureRate)}
          delta={d && d.today.failureRate !== null && d.yesterday.failureRate !== null ? delta(d.today.failureRate, d.yesterday.failureRate) : null}
          deltaLabel="vs yesterday"
          isIncreaseBad
        />
        <StatCard
          label="Upstream latency p50 / p95"
          icon={Gauge}
          isLoading={loading}
          value={d?.today.p50LatencyMs === null || !d ? "—" : `${d.today.p50LatencyMs} / ${d.today.p95LatencyMs} ms`}
        />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Last 30 days</CardTitle>
        </CardHeader>
        <CardContent className="h-72">
          {!loading && !hasCalls ? (
            <EmptyState icon={Activity} title="No calls yet" description={`Your gateway URL is /${merchantId}/… — calls will appear here as soon as they arrive.`} />
          ) : (
            <CallsRevenueChart data={series} symbol={symbol} />
          )}
        </CardContent>
      </Card>
    </div>
  );
}
