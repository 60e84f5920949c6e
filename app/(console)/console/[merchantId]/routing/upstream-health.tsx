"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";

import { StatCard } from "@/app/_components/stat-card";
import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { api } from "@/app/_lib/trpc/react";

/** The upstream's recent error rate and latency, from the access log. */
export function UpstreamHealth({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const format = useFormatter();
  const [windowHours, setWindowHours] = useState<1 | 24>(24);
  const health = api.upstream.health.useQuery({ merchantId, windowHours });
  const h = health.data;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("health.title")}</CardTitle>
        <CardDescription>{t("health.description", { hours: windowHours })}</CardDescription>
        <div className="flex gap-2">
          {([1, 24] as const).map((w) => (
            <Button
              key={w}
              type="button"
              size="sm"
              variant={w === windowHours ? "default" : "outline"}
              onClick={() => setWindowHours(w)}
            >
              {t("health.window", { hours: w })}
            </Button>
          ))}
        </div>
      </CardHeader>
      <CardContent>
        {health.isLoading || !h ? (
          <Skeleton className="h-20" />
        ) : (
          <div className="grid gap-3 sm:grid-cols-4" data-testid="upstream-health">
            <StatCard label={t("health.calls")} value={String(h.calls)} />
            <StatCard
              label={t("health.errorRate")}
              value={
                h.errorRate === null
                  ? "—"
                  : format.number(h.errorRate, {
                      style: "percent",
                      minimumFractionDigits: 1,
                      maximumFractionDigits: 1,
                    })
              }
            />
            <StatCard
              label={t("health.p50")}
              value={h.p50LatencyMs === null ? "—" : `${h.p50LatencyMs} ms`}
            />
            <StatCard
              label={t("health.p95")}
              value={h.p95LatencyMs === null ? "—" : `${h.p95LatencyMs} ms`}
            />
          </div>
        )}
      </CardContent>
    </Card>
  );
}
