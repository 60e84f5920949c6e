"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardFooter } from "@/app/_components/ui/card";
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
import { PAYOUT_REAUTH_MESSAGE } from "@/server/auth/permissions";
import { merchantSettingsInput } from "@/server/merchants/schemas";

type Values = z.input<typeof merchantSettingsInput>;

export function SettingsForm({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const merchant = api.merchants.get.useQuery({ merchantId });
  const form = useForm<Values, unknown, z.output<typeof merchantSettingsInput>>({
    resolver: zodResolver(merchantSettingsInput),
    defaultValues: { name: "", payoutAddress: "", discoverable: true },
  });
  useEffect(() => {
    if (merchant.data)
      form.reset({
        name: merchant.data.name,
        payoutAddress: merchant.data.payoutAddress,
        discoverable: merchant.data.discoverable,
      });
  }, [merchant.data, form]);
  // changing the wallet needs a sign-in from the last few minutes: the server says so, we offer the way
  const [needsReauth, setNeedsReauth] = useState(false);
  const update = api.merchants.updateSettings.useMutation({
    onSuccess: async () => {
      setNeedsReauth(false);
      await utils.merchants.get.invalidate({ merchantId });
      toast.success(t("settings.saved"));
    },
    onError: (err) => {
      if (err.message === PAYOUT_REAUTH_MESSAGE) setNeedsReauth(true);
      else if (!applyServerFieldErrors(form, err)) toast.error(errorText(err));
    },
  });
  const canEdit = merchant.data?.role === "OWNER" || merchant.data?.role === "ADMIN";
  const canChangeWallet = merchant.data?.role === "OWNER";
  return (
    <Card>
      <Form {...form}>
        <form
          method="post"
          noValidate
          onSubmit={form.handleSubmit((values) => update.mutate({ merchantId, ...values }))}
        >
          <CardContent className="grid gap-4 pt-6">
            <FormField
              control={form.control}
              name="name"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("settings.name")}</FormLabel>
                  <FormControl>
                    <Input {...field} disabled={!canEdit} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="payoutAddress"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("settings.wallet")}</FormLabel>
                  <FormControl>
                    <Input
                      className="font-mono"
                      spellCheck={false}
                      {...field}
                      disabled={!canChangeWallet}
                    />
                  </FormControl>
                  <FormDescription>
                    {t("settings.walletHelp")}{" "}
                    {canChangeWallet
                      ? t("settings.walletChangeNeedsReauth")
                      : t("settings.walletOwnersOnly")}
                  </FormDescription>
                  {needsReauth ? (
                    <p role="alert" className="text-sm text-destructive">
                      {t("settings.reauthNeeded")}{" "}
                      <Link
                        className="font-medium underline"
                        href={`/login?from=${encodeURIComponent(`/console/${merchantId}/settings`)}`}
                      >
                        {t("settings.signInAgain")}
                      </Link>
                    </p>
                  ) : null}
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="discoverable"
              render={({ field }) => (
                <FormItem className="flex items-center gap-3">
                  <FormControl>
                    <Switch
                      checked={field.value ?? true}
                      onCheckedChange={field.onChange}
                      disabled={!canEdit}
                      aria-label={t("settings.discoverable")}
                    />
                  </FormControl>
                  <div>
                    <FormLabel className="!mt-0">{t("settings.discoverable")}</FormLabel>
                    <FormDescription>{t("settings.discoverableHelp")}</FormDescription>
                  </div>
                </FormItem>
              )}
            />
          </CardContent>
          <CardFooter className="mt-4">
            <Button
              type="submit"
              disabled={!canEdit || update.isPending || !form.formState.isDirty}
            >
              {update.isPending ? t("saving") : t("settings.save")}
            </Button>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
