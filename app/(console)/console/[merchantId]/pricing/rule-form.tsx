"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import { DialogFooter } from "@/app/_components/ui/dialog";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/app/_components/ui/form";
import { Checkbox } from "@/app/_components/ui/checkbox";
import { Input } from "@/app/_components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Switch } from "@/app/_components/ui/switch";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api, type RouterOutputs } from "@/app/_lib/trpc/react";
import { httpMethodSchema, pricingRuleInput } from "@/server/pricing/schemas";
import { SETTLEMENT_POLICIES, SETTLEMENT_POLICY_COPY } from "@/server/pricing/settlement-policies";

type FormValues = z.input<typeof pricingRuleInput>;
type Rule = RouterOutputs["pricingRules"]["list"][number];
type Options = RouterOutputs["pricingRules"]["options"];

const METHODS = httpMethodSchema.options;

export function RuleForm({ merchantId, rule, options, onDone }: { merchantId: string; rule?: Rule; options: Options; onDone: () => void }) {
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
          billingMode: rule.billingMode,
          bundleSize: rule.bundleSize ?? undefined,
          passDurationSeconds: rule.passDurationSeconds ?? undefined,
          settlementPolicy: rule.settlementPolicy,
          description: rule.description ?? "",
          upstreamPath: rule.upstreamPath ?? undefined,
          caseInsensitive: rule.caseInsensitive,
          priority: rule.priority,
          active: rule.active,
        }
      : { pathPattern: "", methods: ["ANY"], price: "", network: firstNetwork?.id ?? "", asset: firstNetwork?.assets[0]?.address ?? "", billingMode: "PER_REQUEST", settlementPolicy: "AFTER_SUCCESS", description: "", caseInsensitive: true, priority: 0, active: true },
  });
  const network = useWatch({ control: form.control, name: "network" });
  const billingMode = useWatch({ control: form.control, name: "billingMode" });
  const assets = options.find((n) => n.id === network)?.assets ?? [];
  const onSuccess = async () => {
    await Promise.all([utils.pricingRules.list.invalidate({ merchantId }), utils.pricingRules.unpricedMethods.invalidate({ merchantId })]);
    toast.success(rule ? "Rule saved" : "Rule created");
    onDone();
  };
  const onError = (err: { message: string }) => {
    if (!applyServerFieldErrors(form, err)) toast.error(err.message);
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
        onSubmit={form.handleSubmit((data) => (rule ? update.mutate({ merchantId, id: rule.id, data }) : create.mutate({ merchantId, data })))}
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
                  <FormLabel>Methods</FormLabel>
                  <div className="flex flex-wrap gap-x-4 gap-y-1.5" role="group" aria-label="Methods">
                    {METHODS.map((m) => (
                      <label key={m} className="flex items-center gap-2 font-mono text-xs">
                        <Checkbox checked={selected.includes(m)} onCheckedChange={(on) => toggle(m, on === true)} aria-label={m} />
                        {m}
                      </label>
                    ))}
                  </div>
                  <FormDescription>ANY prices every method. GET also prices HEAD.</FormDescription>
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
                <FormLabel>Path pattern</FormLabel>
                <FormControl>
                  <Input placeholder="/api/signal/*" className="font-mono" spellCheck={false} {...field} />
                </FormControl>
                <FormDescription>* matches one segment, ** any number.</FormDescription>
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
                <FormLabel>Price</FormLabel>
                <FormControl>
                  <Input inputMode="decimal" placeholder="0.01" {...field} />
                </FormControl>
                <FormMessage />
              </FormItem>
            )}
          />
          <FormField
            control={form.control}
            name="network"
            render={({ field }) => (
              <FormItem>
                <FormLabel>Network</FormLabel>
                <Select
                  value={field.value}
                  onValueChange={(value) => {
                    field.onChange(value);
                    form.setValue("asset", options.find((n) => n.id === value)?.assets[0]?.address ?? "");
                  }}
                >
                  <FormControl>
                    <SelectTrigger aria-label="Network">
                      <SelectValue placeholder="Choose" />
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
            name="asset"
            render={({ field }) => (
              <FormItem>
                <FormLabel>Asset</FormLabel>
                <Select value={field.value} onValueChange={field.onChange}>
                  <FormControl>
                    <SelectTrigger aria-label="Asset">
                      <SelectValue placeholder="Choose" />
                    </SelectTrigger>
                  </FormControl>
                  <SelectContent>
                    {assets.map((a) => (
                      <SelectItem key={a.address} value={a.address}>
                        {a.symbol}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
                <FormMessage />
              </FormItem>
            )}
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField
            control={form.control}
            name="billingMode"
            render={({ field }) => (
              <FormItem>
                <FormLabel>Billing mode</FormLabel>
                <Select value={field.value} onValueChange={field.onChange}>
                  <FormControl>
                    <SelectTrigger aria-label="Billing mode">
                      <SelectValue />
                    </SelectTrigger>
                  </FormControl>
                  <SelectContent>
                    <SelectItem value="PER_REQUEST">Per request</SelectItem>
                    <SelectItem value="BUNDLE">Bundle of calls</SelectItem>
                    <SelectItem value="TIME_PASS">Time pass</SelectItem>
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
                  <FormLabel>Calls per bundle</FormLabel>
                  <FormControl>
                    <Input type="number" min={2} value={field.value ?? ""} onChange={(e) => field.onChange(e.target.value === "" ? undefined : Number(e.target.value))} />
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
                  <FormLabel>Pass length (minutes)</FormLabel>
                  <FormControl>
                    <Input
                      type="number"
                      min={1}
                      value={field.value === undefined ? "" : field.value / 60}
                      onChange={(e) => field.onChange(e.target.value === "" ? undefined : Math.round(Number(e.target.value) * 60))}
                    />
                  </FormControl>
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
                <FormLabel>Settlement</FormLabel>
                <Select value={field.value} onValueChange={field.onChange}>
                  <FormControl>
                    <SelectTrigger aria-label="Settlement">
                      <SelectValue />
                    </SelectTrigger>
                  </FormControl>
                  <SelectContent>
                    {SETTLEMENT_POLICIES.map((policy) => (
                      <SelectItem key={policy} value={policy}>
                        {SETTLEMENT_POLICY_COPY[policy].label}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
                <FormDescription data-testid="settlement-policy-explanation">{SETTLEMENT_POLICY_COPY[field.value ?? "AFTER_SUCCESS"].explanation}</FormDescription>
                <FormMessage />
              </FormItem>
            )}
          />
          <FormField
            control={form.control}
            name="description"
            render={({ field }) => (
              <FormItem>
                <FormLabel>Description (shown to buyers)</FormLabel>
                <FormControl>
                  <Input placeholder="A trading signal for one symbol" {...field} value={field.value ?? ""} />
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
                <FormLabel>Upstream path (optional)</FormLabel>
                <FormControl>
                  <Input
                    className="font-mono"
                    placeholder="/internal/pricing/*"
                    spellCheck={false}
                    name={field.name}
                    ref={field.ref}
                    onBlur={field.onBlur}
                    value={field.value ?? ""}
                    onChange={(e) => field.onChange(e.target.value === "" ? undefined : e.target.value)}
                  />
                </FormControl>
                <FormDescription>Serve the pattern from another path of your API: each * takes what the pattern's * matched. The query is passed on as it is.</FormDescription>
                <FormMessage />
              </FormItem>
            )}
          />
        </div>
        <FormField
          control={form.control}
          name="caseInsensitive"
          render={({ field }) => (
            <FormItem className="flex items-center gap-3">
              <FormControl>
                <Switch checked={field.value ?? true} onCheckedChange={field.onChange} aria-label="Ignore case" />
              </FormControl>
              <div>
                <FormLabel className="!mt-0">Ignore case</FormLabel>
                <FormDescription>/API/Signal matches /api/signal. Keep it on unless your API treats those as different paths.</FormDescription>
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
                <Switch checked={field.value ?? true} onCheckedChange={field.onChange} aria-label="Active" />
              </FormControl>
              <FormLabel className="!mt-0">Active</FormLabel>
            </FormItem>
          )}
        />
        <DialogFooter>
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : rule ? "Save rule" : "Create rule"}
          </Button>
        </DialogFooter>
      </form>
    </Form>
  );
}
