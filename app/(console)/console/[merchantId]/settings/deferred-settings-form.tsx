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
import { Switch } from "@/app/_components/ui/switch";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { deferredSettingsInput } from "@/server/payments/deferred-settings-schema";
import { formatAmount } from "@/app/_lib/utils";

type Values = z.input<typeof deferredSettingsInput>;

/** The merchant's switch for DEFERRED rules and how much one buyer may owe while their calls settle. */
export function DeferredSettingsForm({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const locale = useLocale();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const merchant = api.merchants.get.useQuery({ merchantId });
  const settings = api.merchants.deferredSettings.useQuery(
    { merchantId },
    { refetchInterval: 10_000 },
  );
  const form = useForm<Values, unknown, z.output<typeof deferredSettingsInput>>({
    resolver: zodResolver(deferredSettingsInput),
    defaultValues: { enabled: false, maxUnsettledPerPayer: "" },
  });
  // the settings refresh (queue size) every few seconds: never overwrite edits not yet saved
  const loaded = settings.data
    ? `${settings.data.enabled}:${settings.data.maxUnsettledPerPayer ?? ""}`
    : null;
  // keyed on the loaded values, not the query's object: a refetch with the same values must not reset the form
  useEffect(() => {
    if (settings.data && !form.formState.isDirty)
      form.reset({
        enabled: settings.data.enabled,
        maxUnsettledPerPayer: settings.data.maxUnsettledPerPayer ?? "",
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded, form]);
  const update = api.merchants.updateDeferredSettings.useMutation({
    onSuccess: async (saved) => {
      form.reset({
        enabled: saved.enabled,
        maxUnsettledPerPayer: saved.maxUnsettledPerPayer ?? "",
      });
      await utils.merchants.deferredSettings.invalidate({ merchantId });
      toast.success(t("deferred.saved"));
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(errorText(err));
    },
  });
  const canEdit = merchant.data?.role === "OWNER" || merchant.data?.role === "ADMIN";
  const queued = settings.data?.queued;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("deferred.title")}</CardTitle>
        <CardDescription>{t("policies.DEFERRED.explanation")}</CardDescription>
      </CardHeader>
      <Form {...form}>
        <form
          method="post"
          noValidate
          onSubmit={form.handleSubmit((values) =>
            update.mutate({
              merchantId,
              enabled: values.enabled,
              maxUnsettledPerPayer: values.maxUnsettledPerPayer
                ? values.maxUnsettledPerPayer
                : null,
            }),
          )}
        >
          <CardContent className="grid gap-4">
            <FormField
              control={form.control}
              name="enabled"
              render={({ field }) => (
                <FormItem className="flex items-center justify-between gap-4 rounded-md border p-3">
                  <div>
                    <FormLabel>{t("deferred.enabled")}</FormLabel>
                    <FormDescription>{t("deferred.enabledHelp")}</FormDescription>
                  </div>
                  <FormControl>
                    <Switch
                      checked={field.value}
                      onCheckedChange={field.onChange}
                      disabled={!canEdit}
                      aria-label={t("deferred.title")}
                    />
                  </FormControl>
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="maxUnsettledPerPayer"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("deferred.cap")}</FormLabel>
                  <FormControl>
                    <Input
                      {...field}
                      value={field.value ?? ""}
                      inputMode="decimal"
                      placeholder={t("deferred.noCap")}
                      className="max-w-48 tabular-nums"
                      disabled={!canEdit}
                    />
                  </FormControl>
                  <FormDescription>
                    {t("deferred.capHelp", { example: "5.00 USDC" })}
                  </FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            {settings.data && (
              <p className="text-sm text-muted-foreground" data-testid="deferred-queue">
                {t("deferred.queue", {
                  count: queued?.count ?? 0,
                  amount: formatAmount(queued?.amountAtomic ?? "0", 6, { locale }),
                  flagged: settings.data.flaggedPayers,
                })}
              </p>
            )}
          </CardContent>
          <CardFooter>
            <Button type="submit" disabled={!canEdit || update.isPending}>
              {update.isPending ? t("saving") : t("deferred.save")}
            </Button>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
