"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
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
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Switch } from "@/app/_components/ui/switch";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { upstreamSettingsSchema } from "@/server/merchants/schemas";

type Values = z.input<typeof upstreamSettingsSchema>;

export function UpstreamForm({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const settings = api.upstream.get.useQuery({ merchantId });
  const form = useForm<Values, unknown, z.output<typeof upstreamSettingsSchema>>({
    resolver: zodResolver(upstreamSettingsSchema),
    defaultValues: { upstreamBaseUrl: "", upstreamTimeoutMs: 15000, chargeOnUpstreamError: false },
  });
  useEffect(() => {
    if (settings.data) form.reset(settings.data);
  }, [settings.data, form]);
  const update = api.upstream.update.useMutation({
    onSuccess: async (saved) => {
      await utils.upstream.get.invalidate({ merchantId });
      form.reset(saved);
      toast.success(t("upstream.saved"));
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(errorText(err));
    },
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("upstream.title")}</CardTitle>
      </CardHeader>
      {settings.isLoading ? (
        <CardContent>
          <Skeleton className="h-10" />
        </CardContent>
      ) : (
        <Form {...form}>
          <form
            method="post"
            noValidate
            onSubmit={form.handleSubmit((values) => update.mutate({ merchantId, ...values }))}
          >
            <CardContent className="grid gap-4">
              <FormField
                control={form.control}
                name="upstreamBaseUrl"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>{t("upstream.baseUrl")}</FormLabel>
                    <FormControl>
                      <Input inputMode="url" className="font-mono" spellCheck={false} {...field} />
                    </FormControl>
                    <FormDescription>
                      {t("upstream.baseUrlHelp", { path: `/${merchantId}/path` })}
                    </FormDescription>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <FormField
                control={form.control}
                name="upstreamTimeoutMs"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>{t("upstream.timeout")}</FormLabel>
                    <FormControl>
                      <Input
                        type="number"
                        min={1000}
                        max={120000}
                        value={field.value}
                        onChange={(e) => field.onChange(Number(e.target.value))}
                      />
                    </FormControl>
                    <FormDescription>{t("upstream.timeoutHelp")}</FormDescription>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <FormField
                control={form.control}
                name="chargeOnUpstreamError"
                render={({ field }) => (
                  <FormItem className="flex items-center gap-3">
                    <FormControl>
                      <Switch
                        checked={field.value}
                        onCheckedChange={field.onChange}
                        aria-label={t("upstream.chargeFailedShort")}
                      />
                    </FormControl>
                    <div className="grid gap-1">
                      <FormLabel className="!mt-0">{t("upstream.chargeFailed")}</FormLabel>
                      <FormDescription>{t("upstream.chargeFailedHelp")}</FormDescription>
                    </div>
                  </FormItem>
                )}
              />
            </CardContent>
            <CardFooter className="mt-4">
              <Button type="submit" disabled={update.isPending || !form.formState.isDirty}>
                {update.isPending ? t("saving") : t("upstream.save")}
              </Button>
            </CardFooter>
          </form>
        </Form>
      )}
    </Card>
  );
}
