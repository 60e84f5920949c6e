"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { RefundForm, RefundsTable } from "@/app/_components/refunds";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { useErrorText } from "@/app/_lib/error-text";
import { serverFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { useValidationText } from "@/app/_lib/validation-text";

export function AdminRefunds() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const text = useValidationText();
  const utils = api.useUtils();
  const refunds = api.admin.billing.refunds.list.useQuery(undefined, { refetchInterval: 5_000 });
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const create = api.admin.billing.refunds.create.useMutation({
    onSuccess: async (refund) => {
      setErrors({});
      await utils.admin.billing.refunds.list.invalidate();
      if (refund.status === "FAILED")
        toast.error(
          t("refunds.failed", { reason: refund.errorReason ?? t("refunds.unknownReason") }),
        );
      else toast.success(refund.status === "COMPLETED" ? t("refunds.sent") : t("refunds.owed"));
    },
    onError: (err) => {
      const fields = serverFieldErrors(err, text);
      setErrors(fields);
      if (Object.keys(fields).length === 0) toast.error(errorText(err));
    },
  });
  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>{t("refunds.refundTitle")}</CardTitle>
        </CardHeader>
        <CardContent>
          <RefundForm
            pending={create.isPending}
            errors={errors}
            onSubmit={(v) =>
              create.mutate({
                paymentId: v.paymentId,
                amountAtomic: v.amountAtomic || undefined,
                reason: v.reason,
              })
            }
          />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("refunds.allTitle")}</CardTitle>
        </CardHeader>
        <CardContent>
          <RefundsTable refunds={refunds.data ?? []} />
        </CardContent>
      </Card>
    </div>
  );
}
