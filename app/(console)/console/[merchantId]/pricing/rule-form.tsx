"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import { DialogFooter } from "@/app/_components/ui/dialog";
import {
  Form,
  FormControl,
  FormDescription,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/app/_components/ui/form";
import { Checkbox } from "@/app/_components/ui/checkbox";
import { Input } from "@/app/_components/ui/input";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { Switch } from "@/app/_components/ui/switch";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { useErrorText } from "@/app/_lib/error-text";
import { api, type RouterOutputs } from "@/app/_lib/trpc/react";
import { JsonSchemaInput } from "./json-schema-field";
import { NetworkAssetFields } from "./network-asset-fields";
import { PaymentOptionsField } from "./payment-options-field";
import {
  DEFAULT_METERING_HEADER,
  httpMethodSchema,
  pricingRuleInput,
} from "@/server/pricing/schemas";
import { SETTLEMENT_POLICIES } from "@/server/pricing/settlement-policies";

type FormValues = z.input<typeof pricingRuleInput>;
type Rule = RouterOutputs["pricingRules"]["list"][number];
type Options = RouterOutputs["pricingRules"]["options"];

const METHODS = httpMethodSchema.options;
// JSON Schema examples (code, not prose: the same in every language)
const SCHEMA_EXAMPLES = {
  input: JSON.stringify({
    type: "object",
    properties: { symbol: { type: "string" } },
    required: ["symbol"],
  }),
  output: JSON.stringify({ type: "object", properties: { price: { type: "number" } } }),
};

export function RuleForm({
  merchantId,
  rule,
  options,
  onDone,
}: {
  merchantId: string;
  rule?: Rule;
  options: Options;
  onDone: () => void;
}) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const firstNetwork = options[0];
  const form = useForm<FormValues, unknown, z.output<typeof pricingRuleInput>>({
    resolver: zodResolver(pricingRuleInput),
    defaultValues: rule
      ? {
          pathPattern: rule.pathPattern,
          methods: rule.methods,
          price: rule.price,
          network: rule.network,
          asset: rule.asset,
          paymentOptions: rule.paymentOptions.map(({ network, asset, price }) => ({
            network,
            asset,
            price,
          })),
          billingMode: rule.billingMode,
          bundleSize: rule.bundleSize ?? undefined,
          passDurationSeconds: rule.passDurationSeconds ?? undefined,
          settlementPolicy: rule.settlementPolicy,
          description: rule.description ?? "",
          upstreamPath: rule.upstreamPath ?? undefined,
          meteringHeader: rule.meteringHeader,
          meteringFallback: rule.meteringFallback,
          inputSchema: rule.inputSchema,
          outputSchema: rule.outputSchema,
          caseInsensitive: rule.caseInsensitive,
          priority: rule.priority,
          active: rule.active,
        }
      : {
          pathPattern: "",
          methods: ["ANY"],
          price: "",
          network: firstNetwork?.id ?? "",
          asset: firstNetwork?.assets[0]?.address ?? "",
          paymentOptions: [],
          billingMode: "PER_REQUEST",
          settlementPolicy: "AFTER_SUCCESS",
          meteringHeader: null,
          meteringFallback: "CEILING",
          description: "",
          caseInsensitive: true,
          priority: 0,
          active: true,
        },
  });
  const billingMode = useWatch({ control: form.control, name: "billingMode" });
  const metered = Boolean(useWatch({ control: form.control, name: "meteringHeader" }));
  const onSuccess = async () => {
    await Promise.all([
      utils.pricingRules.list.invalidate({ merchantId }),
      utils.pricingRules.unpricedMethods.invalidate({ merchantId }),
    ]);
    toast.success(rule ? t("ruleForm.saved") : t("ruleForm.created"));
    onDone();
  };
  const onError = (err: { message: string }) => {
    if (!applyServerFieldErrors(form, err)) toast.error(errorText(err));
  };
  const create = api.pricingRules.create.useMutation({ onSuccess, onError });
  const update = api.pricingRules.update.useMutation({ onSuccess, onError });
  const pending = create.isPending || update.isPending;

  return (
    <Form {...form}>
      <form
        method="post"
        noValidate
        className="grid gap-4"
        onSubmit={form.handleSubmit((data) =>
          rule
            ? update.mutate({ merchantId, id: rule.id, data })
            : create.mutate({ merchantId, data }),
        )}
      >
        <div className="grid gap-4">
          <FormField
            control={form.control}
            name="methods"
            render={({ field }) => {
              const selected = field.value ?? ["ANY"];
              const toggle = (method: (typeof METHODS)[number], on: boolean) => {
                if (method === "ANY") return field.onChange(on ? ["ANY"] : []);
                const rest = selected.filter((m) => m !== "ANY" && m !== method);
                field.onChange(on ? [...rest, method] : rest);
              };
              return (
                <FormItem>
                  <FormLabel>{t("ruleForm.methods")}</FormLabel>
                  <div
                    className="flex flex-wrap gap-x-4 gap-y-1.5"
                    role="group"
                    aria-label={t("ruleForm.methods")}
                  >
                    {METHODS.map((m) => (
                      <label key={m} className="flex items-center gap-2 font-mono text-xs">
                        <Checkbox
                          checked={selected.includes(m)}
                          onCheckedChange={(on) => toggle(m, on === true)}
                          aria-label={m}
                        />
                        {m}
                      </label>
                    ))}
                  </div>
                  <FormDescription>{t("ruleForm.methodsHelp")}</FormDescription>
                  <FormMessage />
                </FormItem>
              );
            }}
          />
          <FormField
            control={form.control}
            name="pathPattern"
            render={({ field }) => (
              <FormItem>
                <FormLabel>{t("ruleForm.pathPattern")}</FormLabel>
                <FormControl>
                  <Input
                    placeholder="/api/signal/*"
                    className="font-mono"
                    spellCheck={false}
                    {...field}
                  />
                </FormControl>
                <FormDescription>{t("ruleForm.pathPatternHelp")}</FormDescription>
                <FormMessage />
              </FormItem>
            )}
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-3">
          <FormField
            control={form.control}
            name="price"
            render={({ field }) => (
              <FormItem>
                <FormLabel>{metered ? t("ruleForm.ceiling") : t("ruleForm.price")}</FormLabel>
                <FormControl>
                  <Input inputMode="decimal" placeholder="0.01" {...field} />
                </FormControl>
                {metered && <FormDescription>{t("ruleForm.ceilingHelp")}</FormDescription>}
                <FormMessage />
              </FormItem>
            )}
          />
          <NetworkAssetFields
            form={form}
            options={options}
            names={{ network: "network", asset: "asset" }}
          />
        </div>
        <PaymentOptionsField form={form} options={options} />
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField
            control={form.control}
            name="billingMode"
            render={({ field }) => (
              <FormItem>
                <FormLabel>{t("ruleForm.billingMode")}</FormLabel>
                <Select value={field.value} onValueChange={field.onChange}>
                  <FormControl>
                    <SelectTrigger aria-label={t("ruleForm.billingMode")}>
                      <SelectValue />
                    </SelectTrigger>
                  </FormControl>
                  <SelectContent>
                    <SelectItem value="PER_REQUEST">{t("ruleForm.perRequest")}</SelectItem>
                    <SelectItem value="BUNDLE">{t("ruleForm.bundle")}</SelectItem>
                    <SelectItem value="TIME_PASS">{t("ruleForm.timePass")}</SelectItem>
                  </SelectContent>
                </Select>
                <FormMessage />
              </FormItem>
            )}
          />
          {billingMode === "BUNDLE" && (
            <FormField
              control={form.control}
              name="bundleSize"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("ruleForm.bundleSize")}</FormLabel>
                  <FormControl>
                    <Input
                      type="number"
                      min={2}
                      value={field.value ?? ""}
                      onChange={(e) =>
                        field.onChange(e.target.value === "" ? undefined : Number(e.target.value))
                      }
                    />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
          )}
          {billingMode === "TIME_PASS" && (
            <FormField
              control={form.control}
              name="passDurationSeconds"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("ruleForm.passLength")}</FormLabel>
                  <FormControl>
                    <Input
                      type="number"
                      min={1}
                      value={field.value === undefined ? "" : field.value / 60}
                      onChange={(e) =>
                        field.onChange(
                          e.target.value === ""
                            ? undefined
                            : Math.round(Number(e.target.value) * 60),
                        )
                      }
                    />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
          )}
        </div>
        <div className="grid gap-4 sm:grid-cols-3">
          <FormField
            control={form.control}
            name="meteringHeader"
            render={({ field }) => (
              <FormItem>
                <FormLabel>{t("ruleForm.charging")}</FormLabel>
                <Select
                  value={field.value ? "METERED" : "FIXED"}
                  onValueChange={(value) => {
                    field.onChange(value === "METERED" ? DEFAULT_METERING_HEADER : null);
                    // a metered charge comes from the answer: one call, settled after it
                    if (value === "METERED") {
                      form.setValue("billingMode", "PER_REQUEST");
                      form.setValue("settlementPolicy", "AFTER_SUCCESS");
                    }
                  }}
                >
                  <FormControl>
                    <SelectTrigger aria-label={t("ruleForm.charging")}>
                      <SelectValue />
                    </SelectTrigger>
                  </FormControl>
                  <SelectContent>
                    <SelectItem value="FIXED">{t("ruleForm.chargingFixed")}</SelectItem>
                    <SelectItem value="METERED">{t("ruleForm.chargingMetered")}</SelectItem>
                  </SelectContent>
                </Select>
                <FormDescription>
                  {field.value
                    ? t("ruleForm.chargingMeteredHelp")
                    : t("ruleForm.chargingFixedHelp")}
                </FormDescription>
                <FormMessage />
              </FormItem>
            )}
          />
          {metered && (
            <FormField
              control={form.control}
              name="meteringHeader"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("ruleForm.meteringHeader")}</FormLabel>
                  <FormControl>
                    <Input
                      className="font-mono"
                      spellCheck={false}
                      name={field.name}
                      ref={field.ref}
                      onBlur={field.onBlur}
                      value={field.value ?? ""}
                      onChange={(e) => field.onChange(e.target.value)}
                    />
                  </FormControl>
                  <FormDescription>{t("ruleForm.meteringHeaderHelp")}</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
          )}
          {metered && (
            <FormField
              control={form.control}
              name="meteringFallback"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("ruleForm.meteringFallback")}</FormLabel>
                  <Select value={field.value} onValueChange={field.onChange}>
                    <FormControl>
                      <SelectTrigger aria-label={t("ruleForm.meteringFallback")}>
                        <SelectValue />
                      </SelectTrigger>
                    </FormControl>
                    <SelectContent>
                      <SelectItem value="CEILING">{t("ruleForm.fallbackCeiling")}</SelectItem>
                      <SelectItem value="REFUSE">{t("ruleForm.fallbackRefuse")}</SelectItem>
                    </SelectContent>
                  </Select>
                  <FormMessage />
                </FormItem>
              )}
            />
          )}
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField
            control={form.control}
            name="settlementPolicy"
            render={({ field }) => (
              <FormItem>
                <FormLabel>{t("ruleForm.settlement")}</FormLabel>
                <Select value={field.value} onValueChange={field.onChange}>
                  <FormControl>
                    <SelectTrigger aria-label={t("ruleForm.settlement")}>
                      <SelectValue />
                    </SelectTrigger>
                  </FormControl>
                  <SelectContent>
                    {SETTLEMENT_POLICIES.map((policy) => (
                      <SelectItem key={policy} value={policy}>
                        {t(`policies.${policy}.label`)}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
                <FormDescription data-testid="settlement-policy-explanation">
                  {t(`policies.${field.value ?? "AFTER_SUCCESS"}.explanation`)}
                </FormDescription>
                <FormMessage />
              </FormItem>
            )}
          />
          <FormField
            control={form.control}
            name="description"
            render={({ field }) => (
              <FormItem>
                <FormLabel>{t("ruleForm.description")}</FormLabel>
                <FormControl>
                  <Input
                    placeholder={t("ruleForm.descriptionPlaceholder")}
                    {...field}
                    value={field.value ?? ""}
                  />
                </FormControl>
                <FormMessage />
              </FormItem>
            )}
          />
          <FormField
            control={form.control}
            name="upstreamPath"
            render={({ field }) => (
              <FormItem>
                <FormLabel>{t("ruleForm.upstreamPath")}</FormLabel>
                <FormControl>
                  <Input
                    className="font-mono"
                    placeholder="/internal/pricing/*"
                    spellCheck={false}
                    name={field.name}
                    ref={field.ref}
                    onBlur={field.onBlur}
                    value={field.value ?? ""}
                    onChange={(e) =>
                      field.onChange(e.target.value === "" ? undefined : e.target.value)
                    }
                  />
                </FormControl>
                <FormDescription>{t("ruleForm.upstreamPathHelp")}</FormDescription>
                <FormMessage />
              </FormItem>
            )}
          />
        </div>
        <FormField
          control={form.control}
          name="inputSchema"
          render={({ field }) => (
            <FormItem>
              <FormLabel>{t("ruleForm.inputSchema")}</FormLabel>
              <FormControl>
                <JsonSchemaInput
                  name={field.name}
                  value={field.value}
                  onChange={field.onChange}
                  onBlur={field.onBlur}
                  placeholder={SCHEMA_EXAMPLES.input}
                />
              </FormControl>
              <FormDescription>{t("ruleForm.inputSchemaHelp")}</FormDescription>
              <FormMessage />
            </FormItem>
          )}
        />
        <FormField
          control={form.control}
          name="outputSchema"
          render={({ field }) => (
            <FormItem>
              <FormLabel>{t("ruleForm.outputSchema")}</FormLabel>
              <FormControl>
                <JsonSchemaInput
                  name={field.name}
                  value={field.value}
                  onChange={field.onChange}
                  onBlur={field.onBlur}
                  placeholder={SCHEMA_EXAMPLES.output}
                />
              </FormControl>
              <FormDescription>{t("ruleForm.outputSchemaHelp")}</FormDescription>
              <FormMessage />
            </FormItem>
          )}
        />
        <FormField
          control={form.control}
          name="caseInsensitive"
          render={({ field }) => (
            <FormItem className="flex items-center gap-3">
              <FormControl>
                <Switch
                  checked={field.value ?? true}
                  onCheckedChange={field.onChange}
                  aria-label={t("ruleForm.ignoreCase")}
                />
              </FormControl>
              <div>
                <FormLabel className="!mt-0">{t("ruleForm.ignoreCase")}</FormLabel>
                <FormDescription>{t("ruleForm.ignoreCaseHelp")}</FormDescription>
              </div>
            </FormItem>
          )}
        />
        <FormField
          control={form.control}
          name="active"
          render={({ field }) => (
            <FormItem className="flex items-center gap-3">
              <FormControl>
                <Switch
                  checked={field.value ?? true}
                  onCheckedChange={field.onChange}
                  aria-label={t("ruleForm.active")}
                />
              </FormControl>
              <FormLabel className="!mt-0">{t("ruleForm.active")}</FormLabel>
            </FormItem>
          )}
        />
        <DialogFooter>
          <Button type="submit" disabled={pending}>
            {pending ? t("saving") : rule ? t("ruleForm.save") : t("ruleForm.create")}
          </Button>
        </DialogFooter>
      </form>
    </Form>
  );
}
