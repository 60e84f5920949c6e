"use client";

import { useFormatter, useTranslations } from "next-intl";
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { Tabs, TabsList, TabsTrigger } from "@/app/_components/ui/tabs";
import { axisWidthFor, niceAxisMax } from "@/app/_lib/chart-axis";
import { formatAmount } from "@/app/_lib/utils";

export type RevenuePeriod = "day" | "week" | "month";

/** The period switch above the chart: the last 24 hours (hourly), 7 or 30 days (daily). */
export function PeriodTabs({
  value,
  onChange,
}: {
  value: RevenuePeriod;
  onChange: (period: RevenuePeriod) => void;
}) {
  const t = useTranslations("common");
  return (
    <Tabs value={value} onValueChange={(v) => onChange(v as RevenuePeriod)}>
      <TabsList aria-label={t("chart.period")}>
        <TabsTrigger value="day">{t("chart.day")}</TabsTrigger>
        <TabsTrigger value="week">{t("chart.week")}</TabsTrigger>
        <TabsTrigger value="month">{t("chart.month")}</TabsTrigger>
      </TabsList>
    </Tabs>
  );
}

export type CallsRevenuePoint = {
  label: string;
  calls: number;
  paid: number;
  revenue: number;
  fees?: number;
};

/** The chart's points from an overview series (admin overview, merchant revenue): hour or day labels, amounts in whole units. */
export function toChartPoints(
  series: {
    at: Date;
    calls: number;
    paidCalls: number;
    revenueAtomic: string;
    feesAtomic: string;
  }[],
  bucket: "hour" | "day",
  decimals: number,
): CallsRevenuePoint[] {
  return series.map((p) => ({
    label: bucket === "hour" ? p.at.toISOString().slice(11, 16) : p.at.toISOString().slice(5, 10),
    calls: p.calls,
    paid: p.paidCalls,
    revenue: Number(formatAmount(p.revenueAtomic, decimals, { group: false })),
    fees: Number(formatAmount(p.feesAtomic, decimals, { group: false })),
  }));
}

/** Calls and paid calls as bars, revenue (and platform fees when given) as lines: the console's and the admin's chart. */
export function CallsRevenueChart({
  data,
  symbol,
  showFees = false,
}: {
  data: CallsRevenuePoint[];
  symbol: string;
  showFees?: boolean;
}) {
  const t = useTranslations("common");
  const format = useFormatter();
  // compact locale numbers (45K, 4.5万) and an axis as wide as its widest label, so nothing is clipped
  const tick = (value: number) =>
    format.number(value, { notation: "compact", maximumSignificantDigits: 3 });
  const callsMax = niceAxisMax(Math.max(0, ...data.map((p) => p.calls)));
  const revenueMax = niceAxisMax(Math.max(0, ...data.flatMap((p) => [p.revenue, p.fees ?? 0])));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
        <XAxis dataKey="label" tick={{ fontSize: 11 }} />
        <YAxis
          yAxisId="calls"
          allowDecimals={false}
          tick={{ fontSize: 11 }}
          tickFormatter={tick}
          width={axisWidthFor([tick(callsMax)], 11)}
        />
        <YAxis
          yAxisId="revenue"
          orientation="right"
          tick={{ fontSize: 11 }}
          tickFormatter={tick}
          width={axisWidthFor(
            [tick(revenueMax), tick(revenueMax * 0.75), tick(revenueMax * 0.25)],
            11,
          )}
        />
        <Tooltip />
        <Bar
          yAxisId="calls"
          dataKey="calls"
          name={t("chart.calls")}
          fill="var(--color-muted-foreground)"
          opacity={0.35}
        />
        <Bar
          yAxisId="calls"
          dataKey="paid"
          name={t("chart.paidCalls")}
          fill="var(--color-primary)"
        />
        <Line
          yAxisId="revenue"
          dataKey="revenue"
          name={t("chart.revenue", { symbol })}
          stroke="var(--color-success, #16a34a)"
          dot={false}
          strokeWidth={2}
        />
        {showFees && (
          <Line
            yAxisId="revenue"
            dataKey="fees"
            name={t("chart.fees", { symbol })}
            stroke="var(--color-warning, #d97706)"
            dot={false}
            strokeWidth={2}
          />
        )}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
