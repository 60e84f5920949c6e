import { Address } from "@/app/_components/address";
import { DateTime } from "@/app/_components/date-time";
import { Amount } from "@/app/_components/amount";
import { StatusBadge } from "@/app/_components/status-badge";
import { TxHash } from "@/app/_components/tx-hash";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import type { RouterOutputs } from "@/app/_lib/trpc/react";
import type { TransactionDto } from "@/server/billing/transactions";

// The payments table and the detail drawer's fields, shared by the merchant console's transactions
// and the platform admin's payments across merchants.

/** The payment's fields in the detail drawer . */
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
            <TableCell className="whitespace-nowrap"><DateTime value={t.createdAt} /></TableCell>
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


export type PaymentStatus = "PENDING" | "VERIFIED" | "SETTLED" | "FAILED" | "REFUNDED";

/** The payment-status filter of the transactions and payments pages ("ALL": no filter). */
export function PaymentStatusSelect({ id, value, onChange }: { id: string; value: PaymentStatus | "ALL"; onChange: (status: PaymentStatus | "ALL") => void }) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>Status</Label>
      <Select value={value} onValueChange={(v) => onChange(v as PaymentStatus | "ALL")}>
        <SelectTrigger id={id} aria-label="Status">
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
  );
}
