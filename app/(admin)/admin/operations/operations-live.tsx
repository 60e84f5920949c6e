"use client";

import { StatCard } from "@/app/_components/stat-card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";

const rate = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });
const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);

export function OperationsLive() {
  const view = api.admin.operations.useQuery(undefined, { refetchInterval: 5_000 });
  const data = view.data;
  if (data && !data.enabled) return <p className="text-sm text-muted-foreground">Metrics are off on this instance (METRICS_ENABLED=false).</p>;
  const live = data?.enabled ? data : null;
  return (
    <div className="grid gap-6">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard label="Requests / s" value={live ? rate.format(live.requestsPerSecond) : ""} isLoading={!live} />
        <StatCard label="Error rate" value={live ? (live.errorRate === null ? "—" : percent.format(live.errorRate)) : ""} isLoading={!live} />
        <StatCard label="Settlement p50" value={live ? ms(live.settlement.p50Ms) : ""} isLoading={!live} />
        <StatCard label="Settlement p95" value={live ? ms(live.settlement.p95Ms) : ""} isLoading={!live} />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Queue</TableHead>
                <TableHead className="text-right">Depth</TableHead>
                <TableHead className="text-right">Oldest (s)</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {(live?.queues ?? []).map((q) => (
                <TableRow key={q.queue} data-testid="queue-row">
                  <TableCell className="font-mono text-xs">{q.queue}</TableCell>
                  <TableCell className="text-right tabular-nums">{q.depth}</TableCell>
                  <TableCell className="text-right tabular-nums">{rate.format(q.oldestAgeSeconds)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
        <div className="rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Outcome</TableHead>
                <TableHead className="text-right">Requests / s</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {Object.entries(live?.byOutcome ?? {}).map(([outcome, perSecond]) => (
                <TableRow key={outcome}>
                  <TableCell className="font-mono text-xs">{outcome}</TableCell>
                  <TableCell className="text-right tabular-nums">{rate.format(perSecond)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      </div>
      {live ? <p className="text-xs text-muted-foreground">Over the last {live.windowSeconds} s, at {new Date(live.at).toLocaleTimeString()}.</p> : null}
    </div>
  );
}
