"use client";

import { Download, Receipt } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { EmptyState } from "@/app/_components/empty-state";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/app/_components/ui/sheet";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { TransactionDetailFields, TransactionsTable, PaymentStatusSelect, type PaymentStatus } from "@/app/_components/transactions-table";
import { api } from "@/app/_lib/trpc/react";

type Status = PaymentStatus;
type Filters = { status?: Status; network?: string; path?: string; from?: Date; to?: Date };

function TransactionDetail({ merchantId, id, onClose }: { merchantId: string; id: string | null; onClose: () => void }) {
  const detail = api.transactions.get.useQuery({ merchantId, id: id ?? "" }, { enabled: id !== null });
  const t = detail.data;
  return (
    <Sheet open={id !== null} onOpenChange={(open) => !open && onClose()}>
      <SheetContent className="overflow-y-auto sm:max-w-lg">
        <SheetHeader>
          <SheetTitle>Payment</SheetTitle>
          <SheetDescription className="font-mono text-xs">{id}</SheetDescription>
        </SheetHeader>
        {!t ? (
          <Skeleton className="m-4 h-40" />
        ) : (
          <TransactionDetailFields t={t} />
        )}
      </SheetContent>
    </Sheet>
  );
}

export function Transactions({ merchantId }: { merchantId: string }) {
  const [draft, setDraft] = useState<{ status: Status | "ALL"; network: string; path: string; from: string; to: string }>({ status: "ALL", network: "ALL", path: "", from: "", to: "" });
  const networks = api.pricingRules.options.useQuery({ merchantId });
  const [filters, setFilters] = useState<Filters>({});
  const [openId, setOpenId] = useState<string | null>(null);
  const list = api.transactions.list.useInfiniteQuery({ merchantId, limit: 25, ...filters }, { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" });
  const exportCsv = api.transactions.exportCsv.useMutation({
    onSuccess: (csv) => {
      const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `transactions-${merchantId}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    },
    onError: (err) => toast.error(err.message),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Card>
      <CardContent className="grid gap-4 pt-6">
        <form
          method="post"
          className="grid gap-3 sm:grid-cols-[9rem_11rem_1fr_10rem_10rem_auto_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters({
              status: draft.status === "ALL" ? undefined : draft.status,
              network: draft.network === "ALL" ? undefined : draft.network,
              path: draft.path || undefined,
              from: draft.from ? new Date(`${draft.from}T00:00:00Z`) : undefined,
              to: draft.to ? new Date(new Date(`${draft.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
            });
          }}
        >
          <PaymentStatusSelect id="tx-status" value={draft.status} onChange={(status) => setDraft({ ...draft, status })} />
          <div className="grid gap-1.5">
            <Label htmlFor="tx-network">Network</Label>
            <Select value={draft.network} onValueChange={(v) => setDraft({ ...draft, network: v })}>
              <SelectTrigger id="tx-network" aria-label="Network">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="ALL">All</SelectItem>
                {networks.data?.map((n) => (
                  <SelectItem key={n.id} value={n.id}>
                    {n.name}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="tx-path">Endpoint contains</Label>
            <Input id="tx-path" className="font-mono" value={draft.path} onChange={(e) => setDraft({ ...draft, path: e.target.value })} placeholder="/api/signal" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="tx-from">From</Label>
            <Input id="tx-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="tx-to">To</Label>
            <Input id="tx-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
          </div>
          <Button type="submit" variant="secondary">
            Filter
          </Button>
          <Button type="button" variant="outline" onClick={() => exportCsv.mutate({ merchantId, ...filters })} disabled={exportCsv.isPending}>
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
            Could not load transactions: {list.error.message}
          </p>
        ) : items.length === 0 ? (
          <EmptyState icon={Receipt} title="No transactions" description="Payments appear here as soon as a paid call arrives at your gateway URL." />
        ) : (
          <>
            <TransactionsTable items={items} onOpen={setOpenId} />
            {list.hasNextPage && (
              <Button variant="outline" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            )}
          </>
        )}
      </CardContent>
      <TransactionDetail merchantId={merchantId} id={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}
