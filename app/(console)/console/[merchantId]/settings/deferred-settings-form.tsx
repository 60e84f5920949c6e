"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { Switch } from "@/app/_components/ui/switch";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { deferredSettingsInput } from "@/server/payments/deferred-settings-schema";
import { formatAmount } from "@/app/_lib/utils";
import { SETTLEMENT_POLICY_COPY } from "@/server/pricing/settlement-policies";

type Values = z.input<typeof deferredSettingsInput>;

/** The merchant's switch for DEFERRED rules and how much one buyer may owe while their calls settle. */
export function DeferredSettingsForm({ merchantId }: { merchantId: string }) {
  const utils = api.useUtils();
  const merchant = api.merchants.get.useQuery({ merchantId });
  const settings = api.merchants.deferredSettings.useQuery({ merchantId }, { refetchInterval: 10_000 });
  const form = useForm<Values, unknown, z.output<typeof deferredSettingsInput>>({ resolver: zodResolver(deferredSettingsInput), defaultValues: { enabled: false, maxUnsettledPerPayer: "" } });
  // the settings refresh (queue size) every few seconds: never overwrite edits not yet saved
  const loaded = settings.data ? `${settings.data.enabled}:${settings.data.maxUnsettledPerPayer ?? ""}` : null;
  useEffect(() => {
    if (settings.data && !form.formState.isDirty) form.reset({ enabled: settings.data.enabled, maxUnsettledPerPayer: settings.data.maxUnsettledPerPayer ?? "" });
  }, [loaded, form]);
  const update = api.merchants.updateDeferredSettings.useMutation({
    onSuccess: async (saved) => {
      form.reset({ enabled: saved.enabled, maxUnsettledPerPayer: saved.maxUnsettledPerPayer ?? "" });
      await utils.merchants.deferredSettings.invalidate({ merchantId });
      toast.success("Deferred settlement saved");
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(err.message);
    },
  });
  const canEdit = merchant.data?.role === "OWNER" || merchant.data?.role === "ADMIN";
  const queued = settings.data?.queued;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Deferred settlement</CardTitle>
        <CardDescription>{SETTLEMENT_POLICY_COPY.DEFERRED.explanation}</CardDescription>
      </CardHeader>
      <Form {...form}>
        <form
          method="post"
          noValidate
          onSubmit={form.handleSubmit((values) => update.mutate({ merchantId, enabled: values.enabled, maxUnsettledPerPayer: values.maxUnsettledPerPayer ? values.maxUnsettledPerPayer : null }))}
        >
          <CardContent className="grid gap-4">
            <FormField
              control={form.control}
              name="enabled"
              render={({ field }) => (
                <FormItem className="flex items-center justify-between gap-4 rounded-md border p-3">
                  <div>
                    <FormLabel>Serve deferred rules before their payment settles</FormLabel>
                    <FormDescription>When off, rules set to deferred settle after success instead.</FormDescription>
                  </div>
                  <FormControl>
                    <Switch checked={field.value} onCheckedChange={field.onChange} disabled={!canEdit} aria-label="Deferred settlement" />
                  </FormControl>
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="maxUnsettledPerPayer"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Cap per buyer</FormLabel>
                  <FormControl>
                    <Input {...field} value={field.value ?? ""} inputMode="decimal" placeholder="no cap" className="max-w-48 tabular-nums" disabled={!canEdit} />
                  </FormControl>
                  <FormDescription>The most one buyer may have served but not yet settled, in stablecoin units (e.g. 5.00 USDC). Beyond it their calls settle first. Leave empty for no cap.</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            {settings.data && (
              <p className="text-sm text-muted-foreground" data-testid="deferred-queue">
                {queued?.count ?? 0} payment{queued?.count === 1 ? "" : "s"} waiting to settle ({formatAmount(queued?.amountAtomic ?? "0", 6)}) · {settings.data.flaggedPayers} flagged buyer
                {settings.data.flaggedPayers === 1 ? "" : "s"}
              </p>
            )}
          </CardContent>
          <CardFooter>
            <Button type="submit" disabled={!canEdit || update.isPending}>
              {update.isPending ? "Saving…" : "Save"}
            </Button>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
