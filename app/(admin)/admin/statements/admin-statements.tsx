"use client";

import { useState } from "react";
import { toast } from "sonner";

import { downloadCsv, MonthSelect, recentMonths, StatementView } from "@/app/_components/statement-view";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { api } from "@/app/_lib/trpc/react";

const MERCHANT_ID = /^mer_[0-9a-z]{20}$/;

export function AdminStatements() {
  const [month, setMonth] = useState(recentMonths()[0] ?? "");
  const [merchantId, setMerchantId] = useState("");
  const valid = MERCHANT_ID.test(merchantId.trim());
  const utils = api.useUtils();
  const statement = api.admin.billing.statements.get.useQuery({ merchantId: merchantId.trim(), month }, { enabled: valid });
  const csv = async () => {
    try {
      downloadCsv(await utils.admin.billing.statements.csv.fetch({ merchantId: merchantId.trim(), month }), `statement-${merchantId.trim()}-${month}.csv`);
    } catch (err) {
      toast.error(err instanceof Error ? err.message : "Could not export the statement");
    }
  };
  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-end gap-4 print:hidden">
        <div className="grid gap-1.5">
          <Label htmlFor="statement-merchant">Merchant id</Label>
          <Input id="statement-merchant" className="w-80 font-mono" placeholder="mer_…" value={merchantId} onChange={(e) => setMerchantId(e.target.value)} />
        </div>
        <MonthSelect id="admin-statement-month" value={month} onChange={setMonth} />
      </div>
      {!valid ? (
        <p className="text-sm text-muted-foreground">Enter a merchant id (mer_…) to see its statement.</p>
      ) : statement.error ? (
        <p role="alert" className="text-sm text-destructive">
          {statement.error.message}
        </p>
      ) : statement.data ? (
        <StatementView statement={statement.data} onCsv={csv} />
      ) : null}
    </div>
  );
}
