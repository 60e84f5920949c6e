"use client";

import { useTranslations } from "next-intl";
import { useFieldArray, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import {
  FormControl,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import type { RouterOutputs } from "@/app/_lib/trpc/react";
import { MAX_PAYMENT_OPTIONS, type pricingRuleInput } from "@/server/pricing/schemas";

import { NetworkAssetFields } from "./network-asset-fields";

type Form = UseFormReturn<
  z.input<typeof pricingRuleInput>,
  unknown,
  z.output<typeof pricingRuleInput>
>;
type Options = RouterOutputs["pricingRules"]["options"];

/** The rule's further ways to pay: each one more `accepts` entry, after the rule's own, in this order. */
export function PaymentOptionsField({ form, options }: { form: Form; options: Options }) {
  const t = useTranslations("console");
  const { fields, append, remove } = useFieldArray({
    control: form.control,
    name: "paymentOptions",
  });
  const firstNetwork = options[0];
  return (
    <fieldset className="grid gap-3" data-testid="payment-options">
      <legend className="text-sm font-medium">{t("ruleForm.paymentOptions")}</legend>
      <p className="text-muted-foreground text-xs">{t("ruleForm.paymentOptionsHelp")}</p>
      {fields.map((item, index) => {
        const label = t("ruleForm.paymentOption", { n: index + 2 });
        return (
          <div
            key={item.id}
            className="grid items-end gap-3 sm:grid-cols-[1fr_1fr_1fr_auto]"
            role="group"
            aria-label={label}
            data-testid="payment-option-row"
          >
            <FormField
              control={form.control}
              name={`paymentOptions.${index}.price`}
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("ruleForm.price")}</FormLabel>
                  <FormControl>
                    <Input
                      inputMode="decimal"
                      placeholder="0.01"
                      aria-label={`${label}: ${t("ruleForm.price")}`}
                      {...field}
                    />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <NetworkAssetFields
              form={form}
              options={options}
              names={{
                network: `paymentOptions.${index}.network`,
                asset: `paymentOptions.${index}.asset`,
              }}
              labelPrefix={label}
            />
            <Button type="button" variant="ghost" size="sm" onClick={() => remove(index)}>
              {t("ruleForm.removePaymentOption")}
            </Button>
          </div>
        );
      })}
      {fields.length < MAX_PAYMENT_OPTIONS && (
        <div>
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() =>
              append({
                price: "",
                network: firstNetwork?.id ?? "",
                asset: firstNetwork?.assets[0]?.address ?? "",
              })
            }
          >
            {t("ruleForm.addPaymentOption")}
          </Button>
        </div>
      )}
      <FormField
        control={form.control}
        name="paymentOptions"
        render={() => (
          <FormItem>
            <FormMessage />
          </FormItem>
        )}
      />
    </fieldset>
  );
}
