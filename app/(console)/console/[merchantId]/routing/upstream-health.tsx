"use client";

import { useState } from "react";

import { StatCard } from "@/app/_components/stat-card";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { api } from "@/app/_lib/trpc/react";

/** The upstream's recent error rate and latency, from the access log. */
export function UpstreamHealth({ merchantId }: { merchantId: string }) {
  const [windowHours, setWindowHours] = useState<1 | 24>(24);
  const health = api.upstream.health.useQuery({ merchantId, windowHours });
  const h = health.data;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Upstream health</CardTitle>
        <CardDescription>Calls the gateway forwarded in the last {windowHours === 1 ? "hour" : "24 hours"}: errors are answers of 500 and above, timeouts and connection failures.</CardDescription>
        <div className="flex gap-2">
          {([1, 24] as const).map((w) => (
            <Button key={w} type="button" size="sm" variant={w === windowHours ? "default" : "outline"} onClick={() => setWindowHours(w)}>
              {w === 1 ? "1 hour" : "24 hours"}
            </Button>
          ))}
        </div>
      </CardHeader>
      <CardContent>
        {health.isLoading || !h ? (
          <Skeleton className="h-20" />
        ) : (
          <div className="grid gap-3 sm:grid-cols-4" data-testid="upstream-health">
            <StatCard label="Forwarded calls" value={String(h.calls)} />
            <StatCard label="Error rate" value={h.errorRate === null ? "—" : `${(h.errorRate * 100).toFixed(1)}%`} />
            <StatCard label="Latency p50" value={h.p50LatencyMs === null ? "—" : `${h.p50LatencyMs} ms`} />
            <StatCard label="Latency p95" value={h.p95LatencyMs === null ? "—" : `${h.p95LatencyMs} ms`} />
          </div>
        )}
      </CardContent>
    </Card>
  );
}
