"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import {
  downloadCsv,
  MonthSelect,
  recentMonths,
  StatementView,
} from "@/app/_components/statement-view";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";

export function Statements({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const [month, setMonth] = useState(recentMonths()[0] ?? "");
  const utils = api.useUtils();
  const statement = api.billing.statement.useQuery({ merchantId, month });
  const csv = async () => {
    try {
      downloadCsv(
        await utils.billing.statementCsv.fetch({ merchantId, month }),
        `statement-${merchantId}-${month}.csv`,
      );
    } catch (err) {
      toast.error(errorText(err));
    }
  };
  return (
    <div className="grid gap-4">
      <MonthSelect id="statement-month" value={month} onChange={setMonth} />
      {statement.isLoading ? (
        <Skeleton className="h-64" />
      ) : statement.error ? (
        <p role="alert" className="text-sm text-destructive">
          {t("statements.loadFailed", { message: errorText(statement.error) })}
        </p>
      ) : statement.data ? (
        <StatementView statement={statement.data} onCsv={csv} />
      ) : null}
    </div>
  );
}
