"use client";

import { Download, ScrollText } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
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
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";
import type { CallFilters } from "@/server/billing/calls";

type Outcome = NonNullable<CallFilters["outcome"]>;
type StatusClass = NonNullable<CallFilters["statusClass"]>;

const OUTCOMES = [
  "CHARGED",
  "FREE",
  "ENTITLED",
  "OWNER",
  "REJECTED",
  "FAILED",
  "UNPAID",
] as const satisfies readonly Outcome[];
const STATUS_CLASSES: StatusClass[] = ["2xx", "3xx", "4xx", "5xx"];

type Draft = {
  statusClass: StatusClass | "ALL";
  outcome: Outcome | "ALL";
  path: string;
  payer: string;
  from: string;
  to: string;
};
const EMPTY: Draft = { statusClass: "ALL", outcome: "ALL", path: "", payer: "", from: "", to: "" };

// datetime-local speaks the browser's local time
const fromLocalInput = (v: string) => (v ? new Date(v) : undefined);

const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);

export function CallLog({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const locale = useLocale();
  const errorText = useErrorText();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [filters, setFilters] = useState<CallFilters>({});
  const list = api.calls.list.useInfiniteQuery(
    { merchantId, limit: 50, ...filters },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" },
  );
  const exportCsv = api.calls.exportCsv.useMutation({
    onSuccess: (csv) => downloadCsv(csv, `calls-${merchantId}.csv`),
    onError: (err) => toast.error(errorText(err)),
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
            <Label htmlFor="calls-status">{t("callLog.status")}</Label>
            <Select
              value={draft.statusClass}
              onValueChange={(v) => setDraft({ ...draft, statusClass: v as Draft["statusClass"] })}
            >
              <SelectTrigger id="calls-status" aria-label={t("callLog.status")}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="ALL">{t("callLog.all")}</SelectItem>
                {STATUS_CLASSES.map((c) => (
                  <SelectItem key={c} value={c}>
                    {c}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-outcome">{t("callLog.outcome")}</Label>
            <Select
              value={draft.outcome}
              onValueChange={(v) => setDraft({ ...draft, outcome: v as Draft["outcome"] })}
            >
              <SelectTrigger id="calls-outcome" aria-label={t("callLog.outcome")}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="ALL">{t("callLog.all")}</SelectItem>
                {OUTCOMES.map((o) => (
                  <SelectItem key={o} value={o}>
                    {t(`callLog.outcomes.${o}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-path">{t("callLog.pathContains")}</Label>
            <Input
              id="calls-path"
              className="font-mono"
              value={draft.path}
              onChange={(e) => setDraft({ ...draft, path: e.target.value })}
              placeholder="/api/signal"
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-payer">{t("callLog.payer")}</Label>
            <Input
              id="calls-payer"
              className="font-mono"
              value={draft.payer}
              onChange={(e) => setDraft({ ...draft, payer: e.target.value })}
              placeholder="0x…"
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-from">{t("callLog.from")}</Label>
            <Input
              id="calls-from"
              type="datetime-local"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="calls-to">{t("callLog.to")}</Label>
            <Input
              id="calls-to"
              type="datetime-local"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </div>
          <div className="col-span-full flex flex-wrap gap-2">
            <Button type="submit" variant="secondary">
              {t("callLog.filter")}
            </Button>
            <Button
              type="button"
              variant="ghost"
              onClick={() => {
                setDraft(EMPTY);
                setFilters({});
              }}
            >
              {t("callLog.clear")}
            </Button>
            <Button
              type="button"
              variant="outline"
              onClick={() => exportCsv.mutate({ merchantId, ...filters })}
              disabled={exportCsv.isPending}
            >
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
            {t("callLog.loadFailed", { message: errorText(list.error) })}
          </p>
        ) : items.length === 0 ? (
          <EmptyState
            icon={ScrollText}
            title={t("callLog.emptyTitle")}
            description={t("callLog.emptyDescription")}
          />
        ) : (
          <>
            <Table data-testid="call-log">
              <TableHeader>
                <TableRow>
                  <TableHead>{t("callLog.time")}</TableHead>
                  <TableHead>{t("callLog.method")}</TableHead>
                  <TableHead>{t("callLog.path")}</TableHead>
                  <TableHead className="text-right">{t("callLog.status")}</TableHead>
                  <TableHead className="text-right">{t("callLog.latency")}</TableHead>
                  <TableHead className="text-right">{t("callLog.upstream")}</TableHead>
                  <TableHead>{t("callLog.payer")}</TableHead>
                  <TableHead>{t("callLog.outcome")}</TableHead>
                  <TableHead>{t("callLog.failureReason")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((c) => (
                  <TableRow key={c.id}>
                    <TableCell className="whitespace-nowrap">
                      {formatDateTime(c.createdAt, { withSeconds: true, locale })}
                    </TableCell>
                    <TableCell className="font-mono text-xs">{c.method}</TableCell>
                    <TableCell className="max-w-48 truncate font-mono text-xs" title={c.path}>
                      {c.path}
                    </TableCell>
                    <TableCell className="text-right font-mono">{c.httpStatus}</TableCell>
                    <TableCell className="text-right">{ms(c.latencyMs)}</TableCell>
                    <TableCell
                      className="text-right"
                      title={
                        c.upstreamStatus === null
                          ? undefined
                          : t("callLog.upstreamAnswered", { status: c.upstreamStatus })
                      }
                    >
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
              <Button
                variant="outline"
                onClick={() => void list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
              >
                {list.isFetchingNextPage ? t("loading") : t("loadMore")}
              </Button>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
