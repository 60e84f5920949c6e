"use client";

import { ShieldCheck } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { EmptyState } from "@/app/_components/empty-state";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { Tabs, TabsList, TabsTrigger } from "@/app/_components/ui/tabs";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";

const STAGE_COLORS = { verification: "var(--color-warning, #d97706)", settlement: "var(--color-destructive, #dc2626)", upstream: "var(--color-muted-foreground)" } as const;

export function ErrorsReport() {
  const [days, setDays] = useState(7);
  const report = api.admin.errors.report.useQuery({ days }, { refetchOnMount: "always" });
  const r = report.data;
  return (
    <div className="grid gap-6">
      <Tabs value={String(days)} onValueChange={(v) => setDays(Number(v))}>
        <TabsList aria-label="Period">
          <TabsTrigger value="1">Today</TabsTrigger>
          <TabsTrigger value="7">7 days</TabsTrigger>
          <TabsTrigger value="30">30 days</TabsTrigger>
        </TabsList>
      </Tabs>
      {report.error ? (
        <p role="alert" className="text-sm text-destructive">
          Could not load errors: {report.error.message}
        </p>
      ) : !r ? (
        <Skeleton className="h-72" />
      ) : r.groups.length === 0 && r.failedPayments.length === 0 ? (
        <EmptyState icon={ShieldCheck} title="No errors in this period" description="Failed verifications, settlements and upstream calls appear here." />
      ) : (
        <>
          <Card>
            <CardHeader>
              <CardTitle>Errors per day by stage</CardTitle>
            </CardHeader>
            <CardContent className="h-64">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={r.series.map((d) => ({ ...d, label: d.day.slice(5) }))} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
                  <XAxis dataKey="label" tick={{ fontSize: 11 }} />
                  <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={36} />
                  <Tooltip />
                  <Legend />
                  {(Object.keys(STAGE_COLORS) as (keyof typeof STAGE_COLORS)[]).map((stage) => (
                    <Bar key={stage} dataKey={stage} name={stage} stackId="errors" fill={STAGE_COLORS[stage]} />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>By reason and merchant</CardTitle>
            </CardHeader>
            <CardContent>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Stage</TableHead>
                    <TableHead>Reason</TableHead>
                    <TableHead>Merchant</TableHead>
                    <TableHead className="text-right">Calls</TableHead>
                    <TableHead>Last seen</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {r.groups.map((g) => (
                    <TableRow key={`${g.stage}:${g.reason}:${g.merchantId}`} data-testid="error-group">
                      <TableCell>{g.stage}</TableCell>
                      <TableCell className="font-mono text-xs">{g.reason}</TableCell>
                      <TableCell>
                        <Link className="underline-offset-4 hover:underline" href={`/admin/merchants/${g.merchantId}`}>
                          {g.merchantName}
                        </Link>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{g.count}</TableCell>
                      <TableCell className="text-muted-foreground">{formatDateTime(g.last)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Failed payments by recorded reason</CardTitle>
            </CardHeader>
            <CardContent>
              {r.failedPayments.length === 0 ? (
                <p className="text-sm text-muted-foreground">No failed payments.</p>
              ) : (
                <Table>
                  <TableBody>
                    {r.failedPayments.map((p) => (
                      <TableRow key={`${p.reason}:${p.merchantId}`}>
                        <TableCell className="font-mono text-xs">{p.reason}</TableCell>
                        <TableCell>{p.merchantName}</TableCell>
                        <TableCell className="text-right tabular-nums">{p.count}</TableCell>
                        <TableCell className="text-muted-foreground">{formatDateTime(p.last)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </CardContent>
          </Card>
        </>
      )}
    </div>
  );
}
