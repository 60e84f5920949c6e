"use client";

import { Activity, AlertTriangle, Building2, CircleDollarSign, Landmark, Receipt, UserRound, Users } from "lucide-react";
import Link from "next/link";
import { useState } from "react";

import { Amount } from "@/app/_components/amount";
import { CallsRevenueChart, PeriodTabs, toChartPoints, type RevenuePeriod } from "@/app/_components/calls-revenue-chart";
import { EmptyState } from "@/app/_components/empty-state";
import { StatCard } from "@/app/_components/stat-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";

// Amounts are shown in the platform's settlement asset (test USDC locally, USDC on Base): 6 decimals.
const DECIMALS = 6;
const SYMBOL = "USDC";
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

export function PlatformOverview() {
  const [period, setPeriod] = useState<RevenuePeriod>("week");
  const overview = api.admin.overview.get.useQuery({ period }, { refetchOnMount: "always", refetchInterval: 60_000 });
  const o = overview.data;
  const loading = overview.isLoading;
  if (overview.error) {
    return (
      <p role="alert" className="text-sm text-destructive">
        Could not load the overview: {overview.error.message}
      </p>
    );
  }
  const series = toChartPoints(o?.series ?? [], o?.bucket ?? "day", DECIMALS);
  const money = (v: bigint | null | undefined) => (v === null || v === undefined ? "—" : <Amount atomic={v} decimals={DECIMALS} symbol={SYMBOL} />);

  return (
    <div className="grid gap-6">
      <PeriodTabs value={period} onChange={setPeriod} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="overview-stats">
        <StatCard label="Calls" icon={Activity} isLoading={loading} value={<span data-testid="overview-calls">{o?.calls ?? 0}</span>} />
        <StatCard label="Paid calls" icon={Receipt} isLoading={loading} value={o?.paidCalls ?? 0} />
        <StatCard label="Revenue" icon={CircleDollarSign} isLoading={loading} value={money(o?.revenueAtomic)} />
        <StatCard label="Platform fee income" icon={Landmark} isLoading={loading} value={money(o?.feeIncomeAtomic)} />
        <StatCard label="Active merchants" icon={Building2} isLoading={loading} value={o ? `${o.activeMerchants} (${o.merchantsWithTraffic} with traffic)` : 0} />
        <StatCard label="Distinct payers" icon={Users} isLoading={loading} value={o?.distinctPayers ?? 0} />
        <StatCard label="Failure rate" icon={AlertTriangle} isLoading={loading} value={o?.failureRate === null || o?.failureRate === undefined ? "—" : percent.format(o.failureRate)} />
        <StatCard label="ARPU (revenue per payer)" icon={UserRound} isLoading={loading} value={money(o?.arpuAtomic)} />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Calls, revenue and fees</CardTitle>
        </CardHeader>
        <CardContent className="h-72">
          {!loading && (o?.calls ?? 0) === 0 ? <EmptyState icon={Activity} title="No calls in this period" description="Gateway traffic of every merchant appears here." /> : <CallsRevenueChart data={series} symbol={SYMBOL} showFees />}
        </CardContent>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Top merchants</CardTitle>
          </CardHeader>
          <CardContent>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Merchant</TableHead>
                  <TableHead className="text-right">Calls</TableHead>
                  <TableHead className="text-right">Revenue</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {(o?.topMerchants ?? []).map((m) => (
                  <TableRow key={m.merchantId}>
                    <TableCell>
                      <Link className="underline-offset-4 hover:underline" href={`/admin/merchants/${m.merchantId}`}>
                        {m.name}
                      </Link>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{m.calls}</TableCell>
                    <TableCell className="text-right">{money(m.revenueAtomic)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Top endpoints</CardTitle>
          </CardHeader>
          <CardContent>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Endpoint</TableHead>
                  <TableHead className="text-right">Calls</TableHead>
                  <TableHead className="text-right">Revenue</TableHead>
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
                    <TableCell className="text-right tabular-nums">{e.calls}</TableCell>
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
