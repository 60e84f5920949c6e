"use client";

import { useTranslations } from "next-intl";
import { useWatch, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";

import {
  FormControl,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/app/_components/ui/form";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import type { RouterOutputs } from "@/app/_lib/trpc/react";
import type { pricingRuleInput } from "@/server/pricing/schemas";

type Form = UseFormReturn<
  z.input<typeof pricingRuleInput>,
  unknown,
  z.output<typeof pricingRuleInput>
>;
type Options = RouterOutputs["pricingRules"]["options"];
/** The rule's own network + asset, or those of one of its further payment options. */
type Names =
  | { network: "network"; asset: "asset" }
  | { network: `paymentOptions.${number}.network`; asset: `paymentOptions.${number}.asset` };

/**
 * The network and asset selects of a way to pay (the rule's own, and each further option): choosing
 * a network picks its first asset. A token paid through Permit2 says so, since its buyers approve
 * Permit2 once before paying.
 */
export function NetworkAssetFields({
  form,
  options,
  names,
  labelPrefix,
}: {
  form: Form;
  options: Options;
  names: Names;
  /** prefixed to the selects' accessible names, to tell several ways to pay apart */
  labelPrefix?: string;
}) {
  const t = useTranslations("console");
  const network = useWatch({ control: form.control, name: names.network });
  const assets = options.find((n) => n.id === network)?.assets ?? [];
  const label = (text: string) => (labelPrefix ? `${labelPrefix}: ${text}` : text);
  return (
    <>
      <FormField
        control={form.control}
        name={names.network}
        render={({ field }) => (
          <FormItem>
            <FormLabel>{t("ruleForm.network")}</FormLabel>
            <Select
              value={field.value}
              onValueChange={(value) => {
                field.onChange(value);
                form.setValue(
                  names.asset,
                  options.find((n) => n.id === value)?.assets[0]?.address ?? "",
                );
              }}
            >
              <FormControl>
                <SelectTrigger aria-label={label(t("ruleForm.network"))}>
                  <SelectValue placeholder={t("ruleForm.choose")} />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                {options.map((n) => (
                  <SelectItem key={n.id} value={n.id}>
                    {n.name}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
            <FormMessage />
          </FormItem>
        )}
      />
      <FormField
        control={form.control}
        name={names.asset}
        render={({ field }) => (
          <FormItem>
            <FormLabel>{t("ruleForm.asset")}</FormLabel>
            <Select value={field.value} onValueChange={field.onChange}>
              <FormControl>
                <SelectTrigger aria-label={label(t("ruleForm.asset"))}>
                  <SelectValue placeholder={t("ruleForm.choose")} />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                {assets.map((a) => (
                  <SelectItem key={a.address} value={a.address}>
                    {a.transferMethod === "permit2"
                      ? t("ruleForm.assetViaPermit2", { symbol: a.symbol })
                      : a.symbol}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
            <FormMessage />
          </FormItem>
        )}
      />
    </>
  );
}
