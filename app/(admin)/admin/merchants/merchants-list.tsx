"use client";

import { Building2 } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";

import { Amount } from "@/app/_components/amount";
import { DateTime } from "@/app/_components/date-time";
import { EmptyState } from "@/app/_components/empty-state";
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
import { Switch } from "@/app/_components/ui/switch";
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
import { parseAmount } from "@/app/_lib/utils";

type Status = "PENDING_REVIEW" | "ACTIVE" | "DISABLED";
type Filters = {
  status?: Status;
  search?: string;
  createdFrom?: Date;
  createdTo?: Date;
  minRevenueAtomic?: bigint;
  minErrorRate?: number;
};
const day = (v: string, plus = 0) => new Date(new Date(`${v}T00:00:00Z`).getTime() + plus);

function RequireReviewSwitch() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const settings = api.admin.settings.get.useQuery();
  const set = api.admin.settings.setRequireReview.useMutation({
    onSuccess: async (r) => {
      toast.success(
        r.requireReview ? t("merchants.requireReviewOn") : t("merchants.requireReviewOff"),
      );
      await utils.admin.settings.get.invalidate();
    },
    onError: (e) => toast.error(errorText(e)),
  });
  return (
    <div className="flex items-center gap-2">
      <Switch
        id="require-review"
        checked={settings.data?.requireReview ?? false}
        disabled={!settings.data || set.isPending}
        onCheckedChange={(value) => set.mutate({ value })}
      />
      <Label htmlFor="require-review">{t("merchants.requireReview")}</Label>
    </div>
  );
}

export function MerchantsList() {
  const t = useTranslations("admin");
  const format = useFormatter();
  const errorText = useErrorText();
  const [draft, setDraft] = useState({
    status: "ALL" as Status | "ALL",
    search: "",
    from: "",
    to: "",
    minRevenue: "",
    minErrorRate: "",
  });
  const [filters, setFilters] = useState<Filters>({});
  const [formError, setFormError] = useState<string | null>(null);
  const list = api.admin.merchants.list.useInfiniteQuery(
    { limit: 25, ...filters },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" },
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Card>
      <CardContent className="grid gap-4 pt-6">
        <div className="flex justify-end">
          <RequireReviewSwitch />
        </div>
        <form
          method="post"
          className="grid gap-3 sm:grid-cols-[1fr_10rem_9rem_9rem_9rem_8rem_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            let minRevenueAtomic: bigint | undefined;
            try {
              minRevenueAtomic = draft.minRevenue ? parseAmount(draft.minRevenue, 6) : undefined;
            } catch {
              setFormError(t("merchants.minRevenueInvalid"));
              return;
            }
            const rate = draft.minErrorRate ? Number(draft.minErrorRate) / 100 : undefined;
            if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
              setFormError(t("merchants.minErrorRateInvalid"));
              return;
            }
            setFormError(null);
            setFilters({
              status: draft.status === "ALL" ? undefined : draft.status,
              search: draft.search || undefined,
              createdFrom: draft.from ? day(draft.from) : undefined,
              createdTo: draft.to ? day(draft.to, 86_400_000) : undefined,
              minRevenueAtomic,
              minErrorRate: rate,
            });
          }}
        >
          <div className="grid gap-1.5">
            <Label htmlFor="m-search">{t("merchants.search")}</Label>
            <Input
              id="m-search"
              value={draft.search}
              onChange={(e) => setDraft({ ...draft, search: e.target.value })}
              placeholder={t("merchants.searchPlaceholder")}
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="m-status">{t("shared.status")}</Label>
            <Select
              value={draft.status}
              onValueChange={(v) => setDraft({ ...draft, status: v as Status | "ALL" })}
            >
              <SelectTrigger id="m-status" aria-label={t("shared.status")}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {(["ALL", "PENDING_REVIEW", "ACTIVE", "DISABLED"] as const).map((s) => (
                  <SelectItem key={s} value={s}>
                    {t(`merchants.statusOption.${s}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="m-from">{t("merchants.createdFrom")}</Label>
            <Input
              id="m-from"
              type="date"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="m-to">{t("merchants.createdTo")}</Label>
            <Input
              id="m-to"
              type="date"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="m-revenue">{t("merchants.minRevenue", { symbol: "USDC" })}</Label>
            <Input
              id="m-revenue"
              inputMode="decimal"
              value={draft.minRevenue}
              onChange={(e) => setDraft({ ...draft, minRevenue: e.target.value })}
              placeholder="0.00"
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="m-errors">{t("merchants.minErrorRate")}</Label>
            <Input
              id="m-errors"
              inputMode="decimal"
              value={draft.minErrorRate}
              onChange={(e) => setDraft({ ...draft, minErrorRate: e.target.value })}
              placeholder="0"
            />
          </div>
          <Button type="submit" variant="secondary">
            {t("shared.filter")}
          </Button>
        </form>
        {formError && (
          <p role="alert" className="text-sm text-destructive">
            {formError}
          </p>
        )}
        {list.isLoading ? (
          <div className="grid gap-2">
            <Skeleton className="h-8" />
            <Skeleton className="h-8" />
          </div>
        ) : list.error ? (
          <p role="alert" className="text-sm text-destructive">
            {t("merchants.loadFailed", { error: errorText(list.error) })}
          </p>
        ) : items.length === 0 ? (
          <EmptyState
            icon={Building2}
            title={t("merchants.emptyTitle")}
            description={t("merchants.emptyDescription")}
          />
        ) : (
          <>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("shared.name")}</TableHead>
                  <TableHead>{t("shared.status")}</TableHead>
                  <TableHead className="text-right">{t("merchants.calls30d")}</TableHead>
                  <TableHead className="text-right">{t("merchants.errorRate")}</TableHead>
                  <TableHead className="text-right">{t("merchants.revenue30d")}</TableHead>
                  <TableHead className="text-right">{t("merchants.members")}</TableHead>
                  <TableHead>{t("shared.created")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((m) => (
                  <TableRow key={m.id} data-testid="merchant-row">
                    <TableCell className="font-medium">
                      <Link
                        href={`/admin/merchants/${m.id}`}
                        className="underline-offset-4 hover:underline"
                      >
                        {m.name}
                      </Link>
                      <span className="block font-mono text-xs text-muted-foreground">{m.id}</span>
                    </TableCell>
                    <TableCell>
                      <StatusBadge status={m.status} />
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {format.number(m.calls)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {m.errorRate === null
                        ? "—"
                        : format.number(m.errorRate, {
                            style: "percent",
                            maximumFractionDigits: 1,
                          })}
                    </TableCell>
                    <TableCell className="text-right">
                      <Amount atomic={m.revenueAtomic} decimals={6} symbol="USDC" />
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{m.members}</TableCell>
                    <TableCell className="whitespace-nowrap text-muted-foreground">
                      <DateTime value={m.createdAt} />
                    </TableCell>
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
                {list.isFetchingNextPage ? t("shared.loading") : t("shared.loadMore")}
              </Button>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
