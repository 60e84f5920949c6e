"use client";

import { Download, Receipt } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { Address } from "@/app/_components/address";
import { Amount } from "@/app/_components/amount";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { TxHash } from "@/app/_components/tx-hash";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/app/_components/ui/sheet";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";
import type { RouterOutputs } from "@/app/_lib/trpc/react";
import type { TransactionDto } from "@/server/billing/transactions";
import { formatDateTime } from "@/app/_lib/utils";

type Status = "PENDING" | "VERIFIED" | "SETTLED" | "FAILED" | "REFUNDED";
type Filters = { status?: Status; network?: string; path?: string; from?: Date; to?: Date };

/** The payment's fields in the detail drawer (shared with the admin's payments page). */
export function TransactionDetailFields({ t }: { t: RouterOutputs["transactions"]["get"] & { merchantName?: string } }) {
  return (
    <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-3 p-4 text-sm" data-testid="transaction-detail">
      {t.merchantName && (
        <>
          <dt className="text-muted-foreground">Merchant</dt>
          <dd>{t.merchantName}</dd>
        </>
      )}
      <dt className="text-muted-foreground">Status</dt>
      <dd>
        <StatusBadge status={t.status} />
      </dd>
      <dt className="text-muted-foreground">Amount</dt>
      <dd>
        <Amount atomic={t.amountAtomic} decimals={t.decimals} symbol={t.assetSymbol} />
      </dd>
      <dt className="text-muted-foreground">Payer</dt>
      <dd>
        <Address value={t.payer} />
      </dd>
      <dt className="text-muted-foreground">Network</dt>
      <dd>{t.networkName}</dd>
      <dt className="text-muted-foreground">Transaction</dt>
      <dd>{t.txHash ? <TxHash hash={t.txHash} explorerUrl={t.explorerUrl ?? undefined} /> : "—"}</dd>
      <dt className="text-muted-foreground">Block</dt>
      <dd className="tabular-nums">{t.blockNumber ?? "—"}</dd>
      <dt className="text-muted-foreground">Resource</dt>
      <dd className="break-all font-mono text-xs">{t.resource}</dd>
      <dt className="text-muted-foreground">Facilitator</dt>
      <dd>
        {t.facilitator.toLowerCase()} · x402 v{t.x402Version}
      </dd>
      {t.errorReason && (
        <>
          <dt className="text-muted-foreground">Reason</dt>
          <dd className="font-mono text-xs">
            {t.errorReason}
            {t.errorMessage ? ` — ${t.errorMessage}` : ""}
          </dd>
        </>
      )}
      <dt className="text-muted-foreground">Calls</dt>
      <dd className="grid gap-1">
        {t.usage.map((u) => (
          <span key={u.id} className="font-mono text-xs">
            {u.method} {u.path} → {u.httpStatus} ({u.status.toLowerCase()}, {u.latencyMs} ms)
          </span>
        ))}
      </dd>
      <dt className="text-muted-foreground">Ledger</dt>
      <dd className="grid gap-1">
        {t.ledger.length === 0 ? "—" : t.ledger.map((e) => (
          <span key={e.id}>
            {e.type.toLowerCase()} <Amount atomic={e.amountAtomic} decimals={t.decimals} symbol={t.assetSymbol} />
          </span>
        ))}
      </dd>
    </dl>
  );
}

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

/** Payments as rows; a click opens the detail drawer (shared with the admin's payments page). */
export function TransactionsTable({ items, onOpen, showMerchant = false }: { items: (TransactionDto & { merchantName?: string })[]; onOpen: (id: string) => void; showMerchant?: boolean }) {
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Time</TableHead>
          {showMerchant && <TableHead>Merchant</TableHead>}
          <TableHead>Status</TableHead>
          <TableHead>Endpoint</TableHead>
          <TableHead>Payer</TableHead>
          <TableHead className="text-right">Amount</TableHead>
          <TableHead>Transaction</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((t) => (
          <TableRow key={t.id} data-testid="transaction-row" className="cursor-pointer" onClick={() => onOpen(t.id)}>
            <TableCell className="whitespace-nowrap">{formatDateTime(t.createdAt)}</TableCell>
            {showMerchant && <TableCell>{t.merchantName ?? t.merchantId}</TableCell>}
            <TableCell>
              <StatusBadge status={t.status} />
            </TableCell>
            <TableCell className="max-w-56 truncate font-mono text-xs">{new URL(t.resource).pathname.split("/").slice(2).join("/")}</TableCell>
            <TableCell>
              <Address value={t.payer} />
            </TableCell>
            <TableCell className="text-right">
              <Amount atomic={t.amountAtomic} decimals={t.decimals} symbol={t.assetSymbol} />
            </TableCell>
            <TableCell>{t.txHash ? <TxHash hash={t.txHash} explorerUrl={t.explorerUrl ?? undefined} /> : t.errorReason ? <span className="font-mono text-xs text-muted-foreground">{t.errorReason}</span> : "—"}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
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
          <div className="grid gap-1.5">
            <Label htmlFor="tx-status">Status</Label>
            <Select value={draft.status} onValueChange={(v) => setDraft({ ...draft, status: v as Status | "ALL" })}>
              <SelectTrigger id="tx-status" aria-label="Status">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {["ALL", "SETTLED", "FAILED", "PENDING", "VERIFIED", "REFUNDED"].map((s) => (
                  <SelectItem key={s} value={s}>
                    {s === "ALL" ? "All" : s.toLowerCase()}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
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
