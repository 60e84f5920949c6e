"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardFooter, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { trafficSettingsSchema } from "@/server/merchants/schemas";

type Values = z.input<typeof trafficSettingsSchema>;

const LIMITS = [
  { name: "rateLimits.unpaidPerMerchant", key: "unpaidPerMerchant", label: "Unpaid, whole API", help: "402 challenges and free calls, from everyone together" },
  { name: "rateLimits.unpaidPerClient", key: "unpaidPerClient", label: "Unpaid, per client", help: "the same, from one IP address" },
  { name: "rateLimits.paidPerMerchant", key: "paidPerMerchant", label: "Paying, whole API", help: "calls that carry a payment, from everyone together" },
  { name: "rateLimits.paidPerPayer", key: "paidPerPayer", label: "Paying, per payer", help: "from one paying wallet (and from one IP address)" },
] as const;

/** Unpriced methods on priced paths, and the gateway's rate limits (unpaid and paying lanes apart). */
export function TrafficForm({ merchantId }: { merchantId: string }) {
  const utils = api.useUtils();
  const settings = api.upstream.traffic.useQuery({ merchantId });
  const form = useForm<Values, unknown, z.output<typeof trafficSettingsSchema>>({
    resolver: zodResolver(trafficSettingsSchema),
    defaultValues: { unmatchedMethods: "REFUSE", rateLimits: { unpaidPerMerchant: 600, unpaidPerClient: 120, paidPerMerchant: 6000, paidPerPayer: 600 } },
  });
  useEffect(() => {
    if (settings.data) form.reset({ unmatchedMethods: settings.data.unmatchedMethods, rateLimits: settings.data.rateLimits });
  }, [settings.data, form]);
  const update = api.upstream.updateTraffic.useMutation({
    onSuccess: async () => {
      await Promise.all([utils.upstream.traffic.invalidate({ merchantId }), utils.pricingRules.unpricedMethods.invalidate({ merchantId })]);
      toast.success("Traffic settings saved");
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(err.message);
    },
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Traffic</CardTitle>
      </CardHeader>
      {settings.isLoading || !settings.data ? (
        <CardContent>
          <Skeleton className="h-10" />
        </CardContent>
      ) : (
        <Form {...form}>
          <form noValidate onSubmit={form.handleSubmit((values) => update.mutate({ merchantId, ...values }))}>
            <CardContent className="grid gap-4">
              <FormField
                control={form.control}
                name="unmatchedMethods"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Methods no rule prices, on a priced path</FormLabel>
                    <Select value={field.value} onValueChange={field.onChange}>
                      <FormControl>
                        <SelectTrigger aria-label="Methods no rule prices">
                          <SelectValue />
                        </SelectTrigger>
                      </FormControl>
                      <SelectContent>
                        <SelectItem value="REFUSE">Refuse (404)</SelectItem>
                        <SelectItem value="PROXY_FREE">Serve free</SelectItem>
                      </SelectContent>
                    </Select>
                    <FormDescription>If a rule prices GET /api/x and someone sends DELETE /api/x: refuse it, or pass it to your API without payment.</FormDescription>
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
                        <FormLabel>{limit.label} (per minute)</FormLabel>
                        <FormControl>
                          <Input type="number" min={1} max={settings.data.caps[limit.key]} value={field.value} onChange={(e) => field.onChange(Number(e.target.value))} />
                        </FormControl>
                        <FormDescription>
                          {limit.help}; the platform allows up to {settings.data.caps[limit.key].toLocaleString("en-US")}.
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
                {update.isPending ? "Saving…" : "Save traffic settings"}
              </Button>
            </CardFooter>
          </form>
        </Form>
      )}
    </Card>
  );
}
