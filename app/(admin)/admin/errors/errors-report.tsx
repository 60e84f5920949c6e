"use client";

import { ShieldCheck } from "lucide-react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { DateTime } from "@/app/_components/date-time";
import { EmptyState } from "@/app/_components/empty-state";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Skeleton } from "@/app/_components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { Tabs, TabsList, TabsTrigger } from "@/app/_components/ui/tabs";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";

const STAGE_COLORS = {
  verification: "var(--color-warning, #d97706)",
  settlement: "var(--color-destructive, #dc2626)",
  upstream: "var(--color-muted-foreground)",
} as const;

export function ErrorsReport() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const [days, setDays] = useState(7);
  const report = api.admin.errors.report.useQuery({ days }, { refetchOnMount: "always" });
  const r = report.data;
  return (
    <div className="grid gap-6">
      <Tabs value={String(days)} onValueChange={(v) => setDays(Number(v))}>
        <TabsList aria-label={t("errors.period")}>
          <TabsTrigger value="1">{t("errors.today")}</TabsTrigger>
          <TabsTrigger value="7">{t("errors.days7")}</TabsTrigger>
          <TabsTrigger value="30">{t("errors.days30")}</TabsTrigger>
        </TabsList>
      </Tabs>
      {report.error ? (
        <p role="alert" className="text-sm text-destructive">
          {t("errors.loadFailed", { error: errorText(report.error) })}
        </p>
      ) : !r ? (
        <Skeleton className="h-72" />
      ) : r.groups.length === 0 && r.failedPayments.length === 0 ? (
        <EmptyState
          icon={ShieldCheck}
          title={t("errors.emptyTitle")}
          description={t("errors.emptyDescription")}
        />
      ) : (
        <>
          <Card>
            <CardHeader>
              <CardTitle>{t("errors.perDay")}</CardTitle>
            </CardHeader>
            <CardContent className="h-64">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart
                  data={r.series.map((d) => ({ ...d, label: d.day.slice(5) }))}
                  margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
                >
                  <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
                  <XAxis dataKey="label" tick={{ fontSize: 11 }} />
                  <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={36} />
                  <Tooltip />
                  <Legend />
                  {(Object.keys(STAGE_COLORS) as (keyof typeof STAGE_COLORS)[]).map((stage) => (
                    <Bar
                      key={stage}
                      dataKey={stage}
                      name={t(`errors.stageName.${stage}`)}
                      stackId="errors"
                      fill={STAGE_COLORS[stage]}
                    />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("errors.byReason")}</CardTitle>
            </CardHeader>
            <CardContent>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("shared.stage")}</TableHead>
                    <TableHead>{t("shared.reason")}</TableHead>
                    <TableHead>{t("shared.merchant")}</TableHead>
                    <TableHead className="text-right">{t("shared.calls")}</TableHead>
                    <TableHead>{t("errors.lastSeen")}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {r.groups.map((g) => (
                    <TableRow
                      key={`${g.stage}:${g.reason}:${g.merchantId}`}
                      data-testid="error-group"
                    >
                      <TableCell>
                        {g.stage in STAGE_COLORS
                          ? t(`errors.stageName.${g.stage as keyof typeof STAGE_COLORS}`)
                          : g.stage}
                      </TableCell>
                      <TableCell className="font-mono text-xs">{g.reason}</TableCell>
                      <TableCell>
                        <Link
                          className="underline-offset-4 hover:underline"
                          href={`/admin/merchants/${g.merchantId}`}
                        >
                          {g.merchantName}
                        </Link>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{g.count}</TableCell>
                      <TableCell className="text-muted-foreground">
                        <DateTime value={g.last} />
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("errors.failedPayments")}</CardTitle>
            </CardHeader>
            <CardContent>
              {r.failedPayments.length === 0 ? (
                <p className="text-sm text-muted-foreground">{t("errors.noFailedPayments")}</p>
              ) : (
                <Table>
                  <TableBody>
                    {r.failedPayments.map((p) => (
                      <TableRow key={`${p.reason}:${p.merchantId}`}>
                        <TableCell className="font-mono text-xs">{p.reason}</TableCell>
                        <TableCell>{p.merchantName}</TableCell>
                        <TableCell className="text-right tabular-nums">{p.count}</TableCell>
                        <TableCell className="text-muted-foreground">
                          <DateTime value={p.last} />
                        </TableCell>
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
