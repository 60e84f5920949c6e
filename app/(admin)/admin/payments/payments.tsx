"use client";

import { Receipt } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { EmptyState } from "@/app/_components/empty-state";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import {
  Sheet,
  SheetContent,
  SheetDescription,
  SheetHeader,
  SheetTitle,
} from "@/app/_components/ui/sheet";
import { Skeleton } from "@/app/_components/ui/skeleton";
import {
  TransactionDetailFields,
  TransactionsTable,
  PaymentStatusSelect,
  type PaymentStatus,
} from "@/app/_components/transactions-table";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";

type Status = PaymentStatus;
type Filters = {
  status?: Status;
  path?: string;
  from?: Date;
  to?: Date;
  merchantId?: string;
  payer?: string;
};

function PaymentDetail({ id, onClose }: { id: string | null; onClose: () => void }) {
  const t = useTranslations("admin");
  const detail = api.admin.payments.get.useQuery({ id: id ?? "" }, { enabled: id !== null });
  return (
    <Sheet open={id !== null} onOpenChange={(open) => !open && onClose()}>
      <SheetContent className="overflow-y-auto sm:max-w-lg">
        <SheetHeader>
          <SheetTitle>{t("payments.payment")}</SheetTitle>
          <SheetDescription className="font-mono text-xs">{id}</SheetDescription>
        </SheetHeader>
        {detail.data ? (
          <TransactionDetailFields t={detail.data} />
        ) : (
          <Skeleton className="m-4 h-40" />
        )}
      </SheetContent>
    </Sheet>
  );
}

/** Every merchant's payments: the console's filters plus merchant and payer, the same table and drawer. */
export function AdminPayments({ initialMerchantId }: { initialMerchantId?: string }) {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const [draft, setDraft] = useState({
    status: "ALL" as Status | "ALL",
    path: "",
    from: "",
    to: "",
    merchantId: initialMerchantId ?? "",
    payer: "",
  });
  const [filters, setFilters] = useState<Filters>(
    initialMerchantId ? { merchantId: initialMerchantId } : {},
  );
  const [openId, setOpenId] = useState<string | null>(null);
  const list = api.admin.payments.list.useInfiniteQuery(
    { limit: 25, ...filters },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" },
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card>
      <CardContent className="grid gap-4 pt-6">
        <form
          method="post"
          className="grid gap-3 sm:grid-cols-[9rem_1fr_1fr_1fr_9rem_9rem_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters({
              status: draft.status === "ALL" ? undefined : draft.status,
              path: draft.path || undefined,
              merchantId: draft.merchantId.trim() || undefined,
              payer: draft.payer.trim() || undefined,
              from: draft.from ? new Date(`${draft.from}T00:00:00Z`) : undefined,
              to: draft.to
                ? new Date(new Date(`${draft.to}T00:00:00Z`).getTime() + 86_400_000)
                : undefined,
            });
          }}
        >
          <PaymentStatusSelect
            id="p-status"
            value={draft.status}
            onChange={(status) => setDraft({ ...draft, status })}
          />
          <div className="grid gap-1.5">
            <Label htmlFor="p-merchant">{t("shared.merchantId")}</Label>
            <Input
              id="p-merchant"
              className="font-mono"
              value={draft.merchantId}
              onChange={(e) => setDraft({ ...draft, merchantId: e.target.value })}
              placeholder="mer_…"
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="p-payer">{t("payments.payer")}</Label>
            <Input
              id="p-payer"
              className="font-mono"
              value={draft.payer}
              onChange={(e) => setDraft({ ...draft, payer: e.target.value })}
              placeholder="0x…"
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="p-path">{t("payments.endpointContains")}</Label>
            <Input
              id="p-path"
              className="font-mono"
              value={draft.path}
              onChange={(e) => setDraft({ ...draft, path: e.target.value })}
              placeholder="/api/signal"
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="p-from">{t("shared.from")}</Label>
            <Input
              id="p-from"
              type="date"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="p-to">{t("shared.to")}</Label>
            <Input
              id="p-to"
              type="date"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </div>
          <Button type="submit" variant="secondary">
            {t("shared.filter")}
          </Button>
        </form>
        {list.isLoading ? (
          <div className="grid gap-2">
            <Skeleton className="h-8" />
            <Skeleton className="h-8" />
          </div>
        ) : list.error ? (
          <p role="alert" className="text-sm text-destructive">
            {t("payments.loadFailed", { error: errorText(list.error) })}
          </p>
        ) : items.length === 0 ? (
          <EmptyState
            icon={Receipt}
            title={t("payments.emptyTitle")}
            description={t("payments.emptyDescription")}
          />
        ) : (
          <>
            <TransactionsTable items={items} onOpen={setOpenId} showMerchant />
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
      <PaymentDetail id={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}
