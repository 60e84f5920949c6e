"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import { DateTime } from "@/app/_components/date-time";
import { StatusBadge } from "@/app/_components/status-badge";
import { Button } from "@/app/_components/ui/button";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import type { RouterOutputs } from "@/app/_lib/trpc/react";

type Refund = RouterOutputs["billing"]["refunds"][number];
export type RefundFormValues = { paymentId: string; amountAtomic: string; reason: string };

/** The refund form shared by the admin and merchant consoles; field errors come from the server. */
export function RefundForm({
  onSubmit,
  pending,
  errors,
}: {
  onSubmit: (values: RefundFormValues) => void;
  pending: boolean;
  errors: Record<string, string | undefined>;
}) {
  const t = useTranslations("common");
  const [values, setValues] = useState<RefundFormValues>({
    paymentId: "",
    amountAtomic: "",
    reason: "",
  });
  const field = (name: keyof RefundFormValues, label: string, hint?: string) => (
    <div className="grid gap-1.5">
      <Label htmlFor={`refund-${name}`}>{label}</Label>
      <Input
        id={`refund-${name}`}
        value={values[name]}
        onChange={(e) => setValues({ ...values, [name]: e.target.value })}
        aria-invalid={Boolean(errors[name])}
        className={name === "reason" ? undefined : "font-mono"}
      />
      {errors[name] ? (
        <p className="text-sm text-destructive">{errors[name]}</p>
      ) : hint ? (
        <p className="text-sm text-muted-foreground">{hint}</p>
      ) : null}
    </div>
  );
  return (
    <form
      method="post"
      noValidate
      className="grid gap-4 sm:grid-cols-[2fr_1fr_2fr_auto] sm:items-start"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(values);
      }}
    >
      {field("paymentId", t("refunds.paymentId"))}
      {field("amountAtomic", t("refunds.amount"), t("refunds.amountHint"))}
      {field("reason", t("refunds.reason"))}
      <Button type="submit" className="sm:mt-6" disabled={pending}>
        {pending ? t("refunds.submitting") : t("refunds.submit")}
      </Button>
    </form>
  );
}

export function RefundsTable({
  refunds,
  action,
}: {
  refunds: Refund[];
  action?: (refund: Refund) => React.ReactNode;
}) {
  const t = useTranslations("common");
  if (refunds.length === 0)
    return <p className="text-sm text-muted-foreground">{t("refunds.empty")}</p>;
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>{t("refunds.created")}</TableHead>
          <TableHead>{t("refunds.payment")}</TableHead>
          <TableHead className="text-right">{t("refunds.amountAtomic")}</TableHead>
          <TableHead>{t("refunds.paidBy")}</TableHead>
          <TableHead>{t("refunds.reason")}</TableHead>
          <TableHead>{t("refunds.status")}</TableHead>
          <TableHead>{t("refunds.transaction")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {refunds.map((r) => (
          <TableRow key={r.id} data-testid="refund-row">
            <TableCell>
              <DateTime value={r.createdAt} />
            </TableCell>
            <TableCell className="font-mono text-xs">{r.paymentId}</TableCell>
            <TableCell className="text-right tabular-nums">{r.amountAtomic}</TableCell>
            <TableCell>
              {r.paidBy === "treasury" ? t("refunds.treasury") : t("refunds.merchantWallet")}
            </TableCell>
            <TableCell>{r.reason}</TableCell>
            <TableCell>
              <StatusBadge status={r.status} />
              {r.errorReason && (
                <span className="block text-xs text-destructive">{r.errorReason}</span>
              )}
            </TableCell>
            <TableCell className="font-mono text-xs">{r.txHash ?? action?.(r) ?? "—"}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
