import { BadgeCheck } from "lucide-react";
import { useTranslations } from "next-intl";

import { Address } from "@/app/_components/address";
import { DateTime } from "@/app/_components/date-time";
import { Amount } from "@/app/_components/amount";
import { StatusBadge } from "@/app/_components/status-badge";
import { TxHash } from "@/app/_components/tx-hash";
import { Badge } from "@/app/_components/ui/badge";
import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import type { RouterOutputs } from "@/app/_lib/trpc/react";
import type { TransactionDto } from "@/server/billing/transactions";

// The payments table and the detail drawer's fields, shared by the merchant console's transactions
// and the platform admin's payments across merchants.

const USAGE_STATUSES = [
  "FREE",
  "CHARGED",
  "ENTITLED",
  "OWNER",
  "REJECTED",
  "FAILED",
  "UNPAID",
] as const;
const LEDGER_TYPES = ["CHARGE", "PLATFORM_FEE", "REFUND", "ADJUSTMENT", "PAYOUT"] as const;

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** The payment's fields in the detail drawer . */
export function TransactionDetailFields({
  t: tx,
}: {
  t: RouterOutputs["transactions"]["get"] & { merchantName?: string };
}) {
  const t = useTranslations("common");
  return (
    <dl
      className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-3 p-4 text-sm"
      data-testid="transaction-detail"
    >
      {tx.merchantName && (
        <>
          <dt className="text-muted-foreground">{t("transactions.merchant")}</dt>
          <dd>{tx.merchantName}</dd>
        </>
      )}
      <dt className="text-muted-foreground">{t("transactions.status")}</dt>
      <dd>
        <StatusBadge status={tx.status} />
      </dd>
      <dt className="text-muted-foreground">{t("transactions.amount")}</dt>
      <dd>
        <Amount atomic={tx.amountAtomic} decimals={tx.decimals} symbol={tx.assetSymbol} />
      </dd>
      <dt className="text-muted-foreground">{t("transactions.payer")}</dt>
      <dd>
        <Address value={tx.payer} />
      </dd>
      <dt className="text-muted-foreground">{t("transactions.network")}</dt>
      <dd>{tx.networkName}</dd>
      <dt className="text-muted-foreground">{t("transactions.transaction")}</dt>
      <dd>
        {tx.txHash ? <TxHash hash={tx.txHash} explorerUrl={tx.explorerUrl ?? undefined} /> : "—"}
      </dd>
      <dt className="text-muted-foreground">{t("transactions.block")}</dt>
      <dd className="tabular-nums">{tx.blockNumber ?? "—"}</dd>
      <dt className="text-muted-foreground">{t("transactions.resource")}</dt>
      <dd className="break-all font-mono text-xs">{tx.resource}</dd>
      <dt className="text-muted-foreground">{t("transactions.facilitator")}</dt>
      <dd>
        {tx.facilitator.toLowerCase()} · x402 v{tx.x402Version}
      </dd>
      {tx.errorReason && (
        <>
          <dt className="text-muted-foreground">{t("transactions.reason")}</dt>
          <dd className="font-mono text-xs">
            {tx.errorReason}
            {tx.errorMessage ? ` — ${tx.errorMessage}` : ""}
          </dd>
        </>
      )}
      <dt className="text-muted-foreground">{t("transactions.calls")}</dt>
      <dd className="grid gap-1">
        {tx.usage.map((u) => (
          <span key={u.id} className="font-mono text-xs">
            {u.method} {u.path} → {u.httpStatus} (
            {isOneOf(USAGE_STATUSES, u.status) ? t(`status.${u.status}`) : u.status.toLowerCase()},{" "}
            {u.latencyMs} ms)
          </span>
        ))}
      </dd>
      <dt className="text-muted-foreground">{t("transactions.ledger")}</dt>
      <dd className="grid gap-1">
        {tx.ledger.length === 0
          ? "—"
          : tx.ledger.map((e) => (
              <span key={e.id}>
                {isOneOf(LEDGER_TYPES, e.type) ? t(`ledgerType.${e.type}`) : e.type.toLowerCase()}{" "}
                <Amount atomic={e.amountAtomic} decimals={tx.decimals} symbol={tx.assetSymbol} />
              </span>
            ))}
      </dd>
      <dt className="text-muted-foreground">{t("transactions.receipt")}</dt>
      <dd data-testid="transaction-receipt">
        {tx.receipt ? <ReceiptField receipt={tx.receipt} /> : "—"}
      </dd>
    </dl>
  );
}

type StoredReceipt = NonNullable<RouterOutputs["transactions"]["get"]["receipt"]>;

/** The signed `offer-receipt` receipt the buyer got, with whether it verifies under the published keys. */
function ReceiptField({ receipt }: { receipt: StoredReceipt }) {
  const t = useTranslations("common");
  return (
    <div className="grid gap-1">
      {receipt.verified ? (
        <Badge variant="success" className="w-fit" data-testid="receipt-verified">
          <BadgeCheck aria-hidden className="size-3.5" />
          {t("transactions.receiptVerified")}
        </Badge>
      ) : (
        <Badge variant="danger" className="w-fit" data-testid="receipt-unverified">
          {t("transactions.receiptUnverified")}
        </Badge>
      )}
      {receipt.issuedAt && <DateTime value={receipt.issuedAt} withSeconds />}
      {receipt.kid && (
        <span className="break-all font-mono text-xs text-muted-foreground">{receipt.kid}</span>
      )}
      <details>
        <summary className="cursor-pointer text-xs">{t("transactions.receiptJws")}</summary>
        <code className="block break-all font-mono text-xs">{receipt.signature}</code>
      </details>
    </div>
  );
}

/** Payments as rows; a click opens the detail drawer (shared with the admin's payments page). */
export function TransactionsTable({
  items,
  onOpen,
  showMerchant = false,
}: {
  items: (TransactionDto & { merchantName?: string })[];
  onOpen: (id: string) => void;
  showMerchant?: boolean;
}) {
  const t = useTranslations("common");
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>{t("transactions.time")}</TableHead>
          {showMerchant && <TableHead>{t("transactions.merchant")}</TableHead>}
          <TableHead>{t("transactions.status")}</TableHead>
          <TableHead>{t("transactions.endpoint")}</TableHead>
          <TableHead>{t("transactions.payer")}</TableHead>
          <TableHead className="text-right">{t("transactions.amount")}</TableHead>
          <TableHead>{t("transactions.transaction")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((tx) => (
          <TableRow
            key={tx.id}
            data-testid="transaction-row"
            className="cursor-pointer"
            onClick={() => onOpen(tx.id)}
          >
            <TableCell className="whitespace-nowrap">
              <DateTime value={tx.createdAt} />
            </TableCell>
            {showMerchant && <TableCell>{tx.merchantName ?? tx.merchantId}</TableCell>}
            <TableCell>
              <StatusBadge status={tx.status} />
            </TableCell>
            <TableCell className="max-w-56 truncate font-mono text-xs">
              {new URL(tx.resource).pathname.split("/").slice(2).join("/")}
            </TableCell>
            <TableCell>
              <Address value={tx.payer} />
            </TableCell>
            <TableCell className="text-right">
              <Amount atomic={tx.amountAtomic} decimals={tx.decimals} symbol={tx.assetSymbol} />
            </TableCell>
            <TableCell>
              {tx.txHash ? (
                <TxHash hash={tx.txHash} explorerUrl={tx.explorerUrl ?? undefined} />
              ) : tx.errorReason ? (
                <span className="font-mono text-xs text-muted-foreground">{tx.errorReason}</span>
              ) : (
                "—"
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export type PaymentStatus = "PENDING" | "VERIFIED" | "SETTLED" | "FAILED" | "REFUNDED";

/** The payment-status filter of the transactions and payments pages ("ALL": no filter). */
export function PaymentStatusSelect({
  id,
  value,
  onChange,
}: {
  id: string;
  value: PaymentStatus | "ALL";
  onChange: (status: PaymentStatus | "ALL") => void;
}) {
  const t = useTranslations("common");
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{t("transactions.status")}</Label>
      <Select value={value} onValueChange={(v) => onChange(v as PaymentStatus | "ALL")}>
        <SelectTrigger id={id} aria-label={t("transactions.status")}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {(["ALL", "SETTLED", "FAILED", "PENDING", "VERIFIED", "REFUNDED"] as const).map((s) => (
            <SelectItem key={s} value={s}>
              {s === "ALL" ? t("transactions.all") : t(`status.${s}`)}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
