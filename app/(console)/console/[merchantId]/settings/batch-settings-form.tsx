"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useLocale, useTranslations } from "next-intl";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import {
  Form,
  FormControl,
  FormDescription,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { formatAmount } from "@/app/_lib/utils";
import {
  BATCH_MAX_AGE_LIMIT_SECONDS,
  batchSettingsInput,
} from "@/server/payments/batch-settings-schema";

type Values = z.input<typeof batchSettingsInput>;

/** When a merchant's batch-settlement calls are claimed: after so many calls, or so many seconds. */
export function BatchSettingsForm({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const locale = useLocale();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const merchant = api.merchants.get.useQuery({ merchantId });
  const settings = api.merchants.batchSettings.useQuery(
    { merchantId },
    { refetchInterval: 10_000 },
  );
  const form = useForm<Values, unknown, z.output<typeof batchSettingsInput>>({
    resolver: zodResolver(batchSettingsInput),
    defaultValues: { maxCalls: 100, maxAgeSeconds: 300 },
  });
  const loaded = settings.data ? `${settings.data.maxCalls}:${settings.data.maxAgeSeconds}` : null;
  // keyed on the loaded values: a refetch (the waiting count) must not reset edits not yet saved
  useEffect(() => {
    if (settings.data && !form.formState.isDirty)
      form.reset({
        maxCalls: settings.data.maxCalls,
        maxAgeSeconds: settings.data.maxAgeSeconds,
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded, form]);
  const update = api.merchants.updateBatchSettings.useMutation({
    onSuccess: async (saved) => {
      form.reset({ maxCalls: saved.maxCalls, maxAgeSeconds: saved.maxAgeSeconds });
      await utils.merchants.batchSettings.invalidate({ merchantId });
      toast.success(t("batch.saved"));
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(errorText(err));
    },
  });
  const canEdit = merchant.data?.role === "OWNER" || merchant.data?.role === "ADMIN";
  const accrued = settings.data?.accrued;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("batch.title")}</CardTitle>
        <CardDescription>{t("batch.description")}</CardDescription>
      </CardHeader>
      <Form {...form}>
        <form
          method="post"
          noValidate
          onSubmit={form.handleSubmit((values) => update.mutate({ merchantId, ...values }))}
        >
          <CardContent className="grid gap-4">
            <FormField
              control={form.control}
              name="maxCalls"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("batch.maxCalls")}</FormLabel>
                  <FormControl>
                    <Input
                      {...field}
                      type="number"
                      inputMode="numeric"
                      onChange={(e) => field.onChange(e.target.valueAsNumber)}
                      className="max-w-48 tabular-nums"
                      disabled={!canEdit}
                    />
                  </FormControl>
                  <FormDescription>{t("batch.maxCallsHelp")}</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="maxAgeSeconds"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("batch.maxAge")}</FormLabel>
                  <FormControl>
                    <Input
                      {...field}
                      type="number"
                      inputMode="numeric"
                      onChange={(e) => field.onChange(e.target.valueAsNumber)}
                      className="max-w-48 tabular-nums"
                      disabled={!canEdit}
                    />
                  </FormControl>
                  <FormDescription>
                    {t("batch.maxAgeHelp", { max: BATCH_MAX_AGE_LIMIT_SECONDS })}
                  </FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            {settings.data && (
              <p className="text-sm text-muted-foreground" data-testid="batch-accrued">
                {t("batch.accrued", {
                  count: accrued?.count ?? 0,
                  amount: formatAmount(accrued?.amountAtomic ?? "0", 6, { locale }),
                })}
              </p>
            )}
          </CardContent>
          <CardFooter>
            <Button type="submit" disabled={!canEdit || update.isPending}>
              {update.isPending ? t("saving") : t("batch.save")}
            </Button>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
