"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
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
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { createMerchantInput } from "@/server/merchants/schemas";

type FormValues = z.input<typeof createMerchantInput>;

export function CreateMerchantForm() {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const router = useRouter();
  const utils = api.useUtils();
  const form = useForm<FormValues, unknown, z.output<typeof createMerchantInput>>({
    resolver: zodResolver(createMerchantInput),
    defaultValues: { name: "", upstreamBaseUrl: "", payoutAddress: "", settlementMode: "DIRECT" },
  });
  const create = api.merchants.create.useMutation({
    onSuccess: async (merchant) => {
      await utils.merchants.listMine.invalidate();
      toast.success(
        merchant.status === "ACTIVE"
          ? t("newMerchant.created")
          : t("newMerchant.createdPendingReview"),
      );
      router.push(`/console/${merchant.id}`);
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(errorText(err));
    },
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-xl">{t("newMerchant.title")}</CardTitle>
        <CardDescription>{t("newMerchant.description")}</CardDescription>
      </CardHeader>
      <Form {...form}>
        <form
          method="post"
          onSubmit={form.handleSubmit((values) => create.mutate(values))}
          noValidate
        >
          <CardContent className="grid gap-4">
            <FormField
              control={form.control}
              name="name"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("newMerchant.name")}</FormLabel>
                  <FormControl>
                    <Input placeholder={t("newMerchant.namePlaceholder")} {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="upstreamBaseUrl"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("newMerchant.upstreamBaseUrl")}</FormLabel>
                  <FormControl>
                    <Input placeholder="https://api.example.com" inputMode="url" {...field} />
                  </FormControl>
                  <FormDescription>{t("newMerchant.upstreamBaseUrlHelp")}</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="payoutAddress"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("newMerchant.wallet")}</FormLabel>
                  <FormControl>
                    <Input placeholder="0x…" className="font-mono" spellCheck={false} {...field} />
                  </FormControl>
                  <FormDescription>{t("newMerchant.walletHelp")}</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="settlementMode"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("newMerchant.settlementMode")}</FormLabel>
                  <Select value={field.value} onValueChange={field.onChange}>
                    <FormControl>
                      <SelectTrigger aria-label={t("newMerchant.settlementMode")}>
                        <SelectValue />
                      </SelectTrigger>
                    </FormControl>
                    <SelectContent>
                      <SelectItem value="DIRECT">{t("newMerchant.direct")}</SelectItem>
                      <SelectItem value="PLATFORM">{t("newMerchant.platform")}</SelectItem>
                    </SelectContent>
                  </Select>
                  <FormDescription>
                    {field.value === "PLATFORM"
                      ? t("newMerchant.platformHelp")
                      : t("newMerchant.directHelp")}
                  </FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
          </CardContent>
          <CardFooter className="mt-6">
            <Button type="submit" className="w-full" disabled={create.isPending}>
              {create.isPending ? t("newMerchant.creating") : t("newMerchant.submit")}
            </Button>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
