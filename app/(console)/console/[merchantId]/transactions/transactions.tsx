"use client";

import { Download, Receipt } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { EmptyState } from "@/app/_components/empty-state";
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
type Filters = { status?: Status; network?: string; path?: string; from?: Date; to?: Date };

function TransactionDetail({
  merchantId,
  id,
  onClose,
}: {
  merchantId: string;
  id: string | null;
  onClose: () => void;
}) {
  const t = useTranslations("console");
  const detail = api.transactions.get.useQuery(
    { merchantId, id: id ?? "" },
    { enabled: id !== null },
  );
  const payment = detail.data;
  return (
    <Sheet open={id !== null} onOpenChange={(open) => !open && onClose()}>
      <SheetContent className="overflow-y-auto sm:max-w-lg">
        <SheetHeader>
          <SheetTitle>{t("transactions.detailTitle")}</SheetTitle>
          <SheetDescription className="font-mono text-xs">{id}</SheetDescription>
        </SheetHeader>
        {!payment ? <Skeleton className="m-4 h-40" /> : <TransactionDetailFields t={payment} />}
      </SheetContent>
    </Sheet>
  );
}

export function Transactions({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const [draft, setDraft] = useState<{
    status: Status | "ALL";
    network: string;
    path: string;
    from: string;
    to: string;
  }>({ status: "ALL", network: "ALL", path: "", from: "", to: "" });
  const networks = api.pricingRules.options.useQuery({ merchantId });
  const [filters, setFilters] = useState<Filters>({});
  const [openId, setOpenId] = useState<string | null>(null);
  const list = api.transactions.list.useInfiniteQuery(
    { merchantId, limit: 25, ...filters },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" },
  );
  const exportCsv = api.transactions.exportCsv.useMutation({
    onSuccess: (csv) => {
      const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `transactions-${merchantId}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    },
    onError: (err) => toast.error(errorText(err)),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Card>
      <CardContent className="grid gap-4 pt-6">
        <form
          method="post"
          // a wrapping row: the path field keeps room for its placeholder instead of shrinking to a sliver
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters({
              status: draft.status === "ALL" ? undefined : draft.status,
              network: draft.network === "ALL" ? undefined : draft.network,
              path: draft.path || undefined,
              from: draft.from ? new Date(`${draft.from}T00:00:00Z`) : undefined,
              to: draft.to
                ? new Date(new Date(`${draft.to}T00:00:00Z`).getTime() + 86_400_000)
                : undefined,
            });
          }}
        >
          <div className="w-full sm:w-36">
            <PaymentStatusSelect
              id="tx-status"
              value={draft.status}
              onChange={(status) => setDraft({ ...draft, status })}
            />
          </div>
          <div className="grid w-full gap-1.5 sm:w-44">
            <Label htmlFor="tx-network">{t("transactions.network")}</Label>
            <Select value={draft.network} onValueChange={(v) => setDraft({ ...draft, network: v })}>
              <SelectTrigger id="tx-network" aria-label={t("transactions.network")}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="ALL">{t("transactions.allNetworks")}</SelectItem>
                {networks.data?.map((n) => (
                  <SelectItem key={n.id} value={n.id}>
                    {n.name}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="grid min-w-56 flex-1 gap-1.5">
            <Label htmlFor="tx-path">{t("transactions.pathContains")}</Label>
            <Input
              id="tx-path"
              className="font-mono"
              value={draft.path}
              onChange={(e) => setDraft({ ...draft, path: e.target.value })}
              placeholder="/api/signal"
            />
          </div>
          <div className="grid w-full gap-1.5 sm:w-40">
            <Label htmlFor="tx-from">{t("transactions.from")}</Label>
            <Input
              id="tx-from"
              type="date"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </div>
          <div className="grid w-full gap-1.5 sm:w-40">
            <Label htmlFor="tx-to">{t("transactions.to")}</Label>
            <Input
              id="tx-to"
              type="date"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </div>
          <Button type="submit" variant="secondary">
            {t("transactions.filter")}
          </Button>
          <Button
            type="button"
            variant="outline"
            onClick={() => exportCsv.mutate({ merchantId, ...filters })}
            disabled={exportCsv.isPending}
          >
            <Download aria-hidden /> CSV
          </Button>
        </form>
        {list.isLoading ? (
          <div className="grid gap-2">
            <Skeleton className="h-8" />
            <Skeleton className="h-8" />
          </div>
        ) : list.error ? (
          <p role="alert" className="text-sm text-destructive">
            {t("transactions.loadFailed", { message: errorText(list.error) })}
          </p>
        ) : items.length === 0 ? (
          <EmptyState
            icon={Receipt}
            title={t("transactions.emptyTitle")}
            description={t("transactions.emptyDescription")}
          />
        ) : (
          <>
            <TransactionsTable items={items} onOpen={setOpenId} />
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
      <TransactionDetail merchantId={merchantId} id={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}
