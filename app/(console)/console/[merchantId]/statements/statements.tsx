"use client";

import { useState } from "react";
import { toast } from "sonner";

import { downloadCsv, recentMonths, StatementView } from "@/app/_components/statement-view";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { api } from "@/app/_lib/trpc/react";

export function Statements({ merchantId }: { merchantId: string }) {
  const months = recentMonths();
  const [month, setMonth] = useState(months[0] ?? "");
  const utils = api.useUtils();
  const statement = api.billing.statement.useQuery({ merchantId, month });
  const csv = async () => {
    try {
      downloadCsv(await utils.billing.statementCsv.fetch({ merchantId, month }), `statement-${merchantId}-${month}.csv`);
    } catch (err) {
      toast.error(err instanceof Error ? err.message : "Could not export the statement");
    }
  };
  return (
    <div className="grid gap-4">
      <div className="grid max-w-48 gap-1.5 print:hidden">
        <Label htmlFor="statement-month">Month</Label>
        <Select value={month} onValueChange={setMonth}>
          <SelectTrigger id="statement-month" aria-label="Month">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {months.map((m) => (
              <SelectItem key={m} value={m}>
                {m}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      {statement.isLoading ? (
        <Skeleton className="h-64" />
      ) : statement.error ? (
        <p role="alert" className="text-sm text-destructive">
          Could not load the statement: {statement.error.message}
        </p>
      ) : statement.data ? (
        <StatementView statement={statement.data} onCsv={csv} />
      ) : null}
    </div>
  );
}
