"use client";

import { Download, ScrollText } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { Address } from "@/app/_components/address";
import { EmptyState } from "@/app/_components/empty-state";
import { downloadCsv } from "@/app/_components/statement-view";
import { StatusBadge } from "@/app/_components/status-badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";
import type { CallFilters } from "@/server/billing/calls";

type Outcome = NonNullable<CallFilters["outcome"]>;
type StatusClass = NonNullable<CallFilters["statusClass"]>;

const OUTCOMES: { value: Outcome; label: string }[] = [
  { value: "CHARGED", label: "Charged" },
  { value: "FREE", label: "Free" },
  { value: "ENTITLED", label: "Pass / bundle" },
  { value: "OWNER", label: "Owner key" },
  { value: "REJECTED", label: "Refused" },
  { value: "FAILED", label: "Upstream failed" },
  { value: "UNPAID", label: "Unpaid (deferred)" },
];
const STATUS_CLASSES: StatusClass[] = ["2xx", "3xx", "4xx", "5xx"];

type Draft = { statusClass: StatusClass | "ALL"; outcome: Outcome | "ALL"; path: string; payer: string; from: string; to: string };
const EMPTY: Draft = { statusClass: "ALL", outcome: "ALL", path: "", payer: "", from: "", to: "" };

// datetime-local speaks the browser's local time
const fromLocalInput = (v: string) => (v ? new Date(v) : undefined);

const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);

export function CallLog({ merchantId }: { merchantId: string }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [filters, setFilters] = useState<CallFilters>({});
  const list = api.calls.list.useInfiniteQuery({ merchantId, limit: 50, ...filters }, { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" });
  const exportCsv = api.calls.exportCsv.useMutation({
    onSuccess: (csv) => downloadCsv(csv, `calls-${merchantId}.csv`),
    onError: (err) => toast.error(err.message),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Card>
      <CardContent className="grid gap-4 pt-6">
        <form
          method="post"
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3 lg:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters({
              statusClass: draft.statusClass === "ALL" ? undefined : draft.statusClass,
              outcome: draft.outcome === "ALL" ? undefined : draft.outcome,
              path: draft.path.trim() || undefined,
              payer: draft.payer.trim() || undefined,
              from: fromLocalInput(draft.from),
              to: fromLocalInput(draft.to),
            });
          }}
        >
          <div className="grid gap-1.5">
            <Label htmlFor="calls-status">Status</Label>
            <Select value={draft.statusClass} onValueChange={(v) => setDraft({ ...draft, statusClass: v as Draft["statusClass"] })}>
              <SelectTrigger id="calls-status" aria-label="Status">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="ALL">All</SelectItem>
                {STATUS_CLASSES.map((c) => (
                  <SelectItem key={c} value={c}>
                    {c}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-outcome">Outcome</Label>
            <Select value={draft.outcome} onValueChange={(v) => setDraft({ ...draft, outcome: v as Draft["outcome"] })}>
              <SelectTrigger id="calls-outcome" aria-label="Outcome">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="ALL">All</SelectItem>
                {OUTCOMES.map((o) => (
                  <SelectItem key={o.value} value={o.value}>
                    {o.label}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-path">Path contains</Label>
            <Input id="calls-path" className="font-mono" value={draft.path} onChange={(e) => setDraft({ ...draft, path: e.target.value })} placeholder="/api/signal" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-payer">Payer</Label>
            <Input id="calls-payer" className="font-mono" value={draft.payer} onChange={(e) => setDraft({ ...draft, payer: e.target.value })} placeholder="0x…" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-from">From</Label>
            <Input id="calls-from" type="datetime-local" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-to">To</Label>
            <Input id="calls-to" type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
          </div>
          <div className="col-span-full flex flex-wrap gap-2">
            <Button type="submit" variant="secondary">
              Filter
            </Button>
            <Button
              type="button"
              variant="ghost"
              onClick={() => {
                setDraft(EMPTY);
                setFilters({});
              }}
            >
              Clear
            </Button>
            <Button type="button" variant="outline" onClick={() => exportCsv.mutate({ merchantId, ...filters })} disabled={exportCsv.isPending}>
              <Download aria-hidden /> CSV
            </Button>
          </div>
        </form>
        {list.isLoading ? (
          <div className="grid gap-2">
            <Skeleton className="h-8" />
            <Skeleton className="h-8" />
          </div>
        ) : list.error ? (
          <p role="alert" className="text-sm text-destructive">
            Could not load calls: {list.error.message}
          </p>
        ) : items.length === 0 ? (
          <EmptyState icon={ScrollText} title="No calls" description="Requests to your gateway URL appear here within a second of being served." />
        ) : (
          <>
            <Table data-testid="call-log">
              <TableHeader>
                <TableRow>
                  <TableHead>Time</TableHead>
                  <TableHead>Method</TableHead>
                  <TableHead>Path</TableHead>
                  <TableHead className="text-right">Status</TableHead>
                  <TableHead className="text-right">Latency</TableHead>
                  <TableHead className="text-right">Upstream</TableHead>
                  <TableHead>Payer</TableHead>
                  <TableHead>Outcome</TableHead>
                  <TableHead>Failure reason</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((c) => (
                  <TableRow key={c.id}>
                    <TableCell className="whitespace-nowrap">{formatDateTime(c.createdAt, { withSeconds: true })}</TableCell>
                    <TableCell className="font-mono text-xs">{c.method}</TableCell>
                    <TableCell className="max-w-48 truncate font-mono text-xs" title={c.path}>
                      {c.path}
                    </TableCell>
                    <TableCell className="text-right font-mono">{c.httpStatus}</TableCell>
                    <TableCell className="text-right">{ms(c.latencyMs)}</TableCell>
                    <TableCell className="text-right" title={c.upstreamStatus === null ? undefined : `upstream answered ${c.upstreamStatus}`}>
                      {ms(c.upstreamLatencyMs)}
                    </TableCell>
                    <TableCell>{c.payer ? <Address value={c.payer} /> : "—"}</TableCell>
                    <TableCell>
                      <StatusBadge status={c.outcome} />
                    </TableCell>
                    <TableCell className="font-mono text-xs">{c.reason ?? "—"}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {list.hasNextPage && (
              <Button variant="outline" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
