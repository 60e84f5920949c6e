"use client";

import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type CallsRevenuePoint = { label: string; calls: number; paid: number; revenue: number; fees?: number };

/** Calls and paid calls as bars, revenue (and platform fees when given) as lines: the console's and the admin's chart. */
export function CallsRevenueChart({ data, symbol, showFees = false }: { data: CallsRevenuePoint[]; symbol: string; showFees?: boolean }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
        <XAxis dataKey="label" tick={{ fontSize: 11 }} />
        <YAxis yAxisId="calls" allowDecimals={false} tick={{ fontSize: 11 }} width={36} />
        <YAxis yAxisId="revenue" orientation="right" tick={{ fontSize: 11 }} width={48} />
        <Tooltip />
        <Bar yAxisId="calls" dataKey="calls" name="Calls" fill="var(--color-muted-foreground)" opacity={0.35} />
        <Bar yAxisId="calls" dataKey="paid" name="Paid calls" fill="var(--color-primary)" />
        <Line yAxisId="revenue" dataKey="revenue" name={`Revenue (${symbol})`} stroke="var(--color-success, #16a34a)" dot={false} strokeWidth={2} />
        {showFees && <Line yAxisId="revenue" dataKey="fees" name={`Platform fees (${symbol})`} stroke="var(--color-warning, #d97706)" dot={false} strokeWidth={2} />}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
