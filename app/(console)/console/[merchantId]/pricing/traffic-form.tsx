"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardFooter, CardHeader, CardTitle } from "@/app/_components/ui/card";
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
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { trafficSettingsSchema } from "@/server/merchants/schemas";

type Values = z.input<typeof trafficSettingsSchema>;

const LIMITS = [
  { name: "rateLimits.unpaidPerMerchant", key: "unpaidPerMerchant" },
  { name: "rateLimits.unpaidPerClient", key: "unpaidPerClient" },
  { name: "rateLimits.paidPerMerchant", key: "paidPerMerchant" },
  { name: "rateLimits.paidPerPayer", key: "paidPerPayer" },
] as const;

/** Unpriced methods on priced paths, and the gateway's rate limits (unpaid and paying lanes apart). */
export function TrafficForm({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const format = useFormatter();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const settings = api.upstream.traffic.useQuery({ merchantId });
  const form = useForm<Values, unknown, z.output<typeof trafficSettingsSchema>>({
    resolver: zodResolver(trafficSettingsSchema),
    defaultValues: {
      unmatchedMethods: "REFUSE",
      rateLimits: {
        unpaidPerMerchant: 600,
        unpaidPerClient: 120,
        paidPerMerchant: 6000,
        paidPerPayer: 600,
      },
    },
  });
  useEffect(() => {
    if (settings.data)
      form.reset({
        unmatchedMethods: settings.data.unmatchedMethods,
        rateLimits: settings.data.rateLimits,
      });
  }, [settings.data, form]);
  const update = api.upstream.updateTraffic.useMutation({
    onSuccess: async () => {
      await Promise.all([
        utils.upstream.traffic.invalidate({ merchantId }),
        utils.pricingRules.unpricedMethods.invalidate({ merchantId }),
      ]);
      toast.success(t("traffic.saved"));
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(errorText(err));
    },
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("traffic.title")}</CardTitle>
      </CardHeader>
      {settings.isLoading || !settings.data ? (
        <CardContent>
          <Skeleton className="h-10" />
        </CardContent>
      ) : (
        <Form {...form}>
          <form
            noValidate
            onSubmit={form.handleSubmit((values) => update.mutate({ merchantId, ...values }))}
          >
            <CardContent className="grid gap-4">
              <FormField
                control={form.control}
                name="unmatchedMethods"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>{t("traffic.unmatchedMethods")}</FormLabel>
                    <Select value={field.value} onValueChange={field.onChange}>
                      <FormControl>
                        <SelectTrigger aria-label={t("traffic.unmatchedMethodsShort")}>
                          <SelectValue />
                        </SelectTrigger>
                      </FormControl>
                      <SelectContent>
                        <SelectItem value="REFUSE">{t("traffic.refuse")}</SelectItem>
                        <SelectItem value="PROXY_FREE">{t("traffic.serveFree")}</SelectItem>
                      </SelectContent>
                    </Select>
                    <FormDescription>
                      {t("traffic.unmatchedMethodsHelp", {
                        priced: "GET /api/x",
                        other: "DELETE /api/x",
                      })}
                    </FormDescription>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <div className="grid gap-4 sm:grid-cols-2">
                {LIMITS.map((limit) => (
                  <FormField
                    key={limit.name}
                    control={form.control}
                    name={limit.name}
                    render={({ field }) => (
                      <FormItem>
                        <FormLabel>{t(`traffic.limits.${limit.key}.label`)}</FormLabel>
                        <FormControl>
                          <Input
                            type="number"
                            min={1}
                            max={settings.data.caps[limit.key]}
                            value={field.value}
                            onChange={(e) => field.onChange(Number(e.target.value))}
                          />
                        </FormControl>
                        <FormDescription>
                          {t("traffic.limitHelp", {
                            help: t(`traffic.limits.${limit.key}.help`),
                            cap: format.number(settings.data.caps[limit.key]),
                          })}
                        </FormDescription>
                        <FormMessage />
                      </FormItem>
                    )}
                  />
                ))}
              </div>
            </CardContent>
            <CardFooter>
              <Button type="submit" disabled={update.isPending}>
                {update.isPending ? t("saving") : t("traffic.save")}
              </Button>
            </CardFooter>
          </form>
        </Form>
      )}
    </Card>
  );
}
