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
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";

const MERCHANT_ID = /^mer_[0-9a-z]{20}$/;

export function AdminStatements() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const [month, setMonth] = useState(recentMonths()[0] ?? "");
  const [merchantId, setMerchantId] = useState("");
  const valid = MERCHANT_ID.test(merchantId.trim());
  const utils = api.useUtils();
  const statement = api.admin.billing.statements.get.useQuery(
    { merchantId: merchantId.trim(), month },
    { enabled: valid },
  );
  const csv = async () => {
    try {
      downloadCsv(
        await utils.admin.billing.statements.csv.fetch({ merchantId: merchantId.trim(), month }),
        `statement-${merchantId.trim()}-${month}.csv`,
      );
    } catch (err) {
      toast.error(
        err instanceof Error && "data" in err ? errorText(err) : t("statements.exportFailed"),
      );
    }
  };
  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-end gap-4 print:hidden">
        <div className="grid gap-1.5">
          <Label htmlFor="statement-merchant">{t("shared.merchantId")}</Label>
          <Input
            id="statement-merchant"
            className="w-80 font-mono"
            placeholder="mer_…"
            value={merchantId}
            onChange={(e) => setMerchantId(e.target.value)}
          />
        </div>
        <MonthSelect id="admin-statement-month" value={month} onChange={setMonth} />
      </div>
      {!valid ? (
        <p className="text-sm text-muted-foreground">{t("statements.enterMerchant")}</p>
      ) : statement.error ? (
        <p role="alert" className="text-sm text-destructive">
          {errorText(statement.error)}
        </p>
      ) : statement.data ? (
        <StatementView statement={statement.data} onCsv={csv} />
      ) : null}
    </div>
  );
}
