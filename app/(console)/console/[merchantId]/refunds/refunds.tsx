"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { RefundForm, RefundsTable } from "@/app/_components/refunds";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { serverFieldErrors } from "@/app/_lib/form-errors";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { useValidationText } from "@/app/_lib/validation-text";

export function Refunds({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const text = useValidationText();
  const utils = api.useUtils();
  const merchant = api.merchants.get.useQuery({ merchantId });
  const refunds = api.billing.refunds.useQuery({ merchantId }, { refetchInterval: 5_000 });
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [txHashes, setTxHashes] = useState<Record<string, string>>({});
  const create = api.billing.createRefund.useMutation({
    onSuccess: async (refund) => {
      setErrors({});
      await utils.billing.refunds.invalidate({ merchantId });
      toast.success(
        refund.paidBy === "merchant"
          ? t("refunds.recordedSendFromWallet")
          : t("refunds.created", { status: refund.status }),
      );
    },
    onError: (err) => {
      setErrors(serverFieldErrors(err, text));
      if (Object.keys(serverFieldErrors(err, text)).length === 0) toast.error(errorText(err));
    },
  });
  const submit = api.billing.submitRefundTx.useMutation({
    onSuccess: async () => {
      await utils.billing.refunds.invalidate({ merchantId });
      toast.success(t("refunds.verified"));
    },
    onError: (err) => toast.error(serverFieldErrors(err, text).txHash ?? errorText(err)),
  });
  const isOwner = merchant.data?.role === "OWNER";
  return (
    <div className="grid gap-6">
      {isOwner && (
        <Card>
          <CardHeader>
            <CardTitle>{t("refunds.formTitle")}</CardTitle>
          </CardHeader>
          <CardContent>
            <RefundForm
              pending={create.isPending}
              errors={errors}
              onSubmit={(v) =>
                create.mutate({
                  merchantId,
                  paymentId: v.paymentId,
                  amountAtomic: v.amountAtomic || undefined,
                  reason: v.reason,
                })
              }
            />
          </CardContent>
        </Card>
      )}
      <Card>
        <CardHeader>
          <CardTitle>{t("refunds.title")}</CardTitle>
        </CardHeader>
        <CardContent>
          <RefundsTable
            refunds={refunds.data ?? []}
            action={(r) =>
              r.status === "PENDING" && r.paidBy === "merchant" && isOwner ? (
                <form
                  method="post"
                  className="flex gap-2"
                  onSubmit={(e) => {
                    e.preventDefault();
                    submit.mutate({ merchantId, refundId: r.id, txHash: txHashes[r.id] ?? "" });
                  }}
                >
                  <Input
                    aria-label={t("refunds.txHashLabel")}
                    placeholder={t("refunds.txHashPlaceholder")}
                    className="h-8 w-72 font-mono text-xs"
                    value={txHashes[r.id] ?? ""}
                    onChange={(e) => setTxHashes({ ...txHashes, [r.id]: e.target.value })}
                  />
                  <Button size="sm" type="submit" disabled={submit.isPending}>
                    {t("refunds.verify")}
                  </Button>
                </form>
              ) : null
            }
          />
        </CardContent>
      </Card>
    </div>
  );
}
