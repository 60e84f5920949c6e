"use client";

import { useState } from "react";
import { toast } from "sonner";

import { RefundForm, RefundsTable } from "@/app/_components/refunds";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { serverFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";

export function AdminRefunds() {
  const utils = api.useUtils();
  const refunds = api.admin.billing.refunds.list.useQuery(undefined, { refetchInterval: 5_000 });
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const create = api.admin.billing.refunds.create.useMutation({
    onSuccess: async (refund) => {
      setErrors({});
      await utils.admin.billing.refunds.list.invalidate();
      if (refund.status === "FAILED") toast.error(`Refund failed: ${refund.errorReason ?? "unknown"}`);
      else toast.success(refund.status === "COMPLETED" ? "Refund sent and confirmed" : "Refund recorded as owed by the merchant");
    },
    onError: (err) => {
      const fields = serverFieldErrors(err);
      setErrors(fields);
      if (Object.keys(fields).length === 0) toast.error(err.message);
    },
  });
  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Refund a payment</CardTitle>
        </CardHeader>
        <CardContent>
          <RefundForm pending={create.isPending} errors={errors} onSubmit={(v) => create.mutate({ paymentId: v.paymentId, amountAtomic: v.amountAtomic || undefined, reason: v.reason })} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>All refunds</CardTitle>
        </CardHeader>
        <CardContent>
          <RefundsTable refunds={refunds.data ?? []} />
        </CardContent>
      </Card>
    </div>
  );
}
