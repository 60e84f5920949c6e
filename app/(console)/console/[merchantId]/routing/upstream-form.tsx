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
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Switch } from "@/app/_components/ui/switch";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { upstreamSettingsSchema } from "@/server/merchants/schemas";

type Values = z.input<typeof upstreamSettingsSchema>;

export function UpstreamForm({ merchantId }: { merchantId: string }) {
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
      toast.success("Routing saved");
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(err.message);
    },
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Upstream</CardTitle>
      </CardHeader>
      {settings.isLoading ? (
        <CardContent>
          <Skeleton className="h-10" />
        </CardContent>
      ) : (
        <Form {...form}>
          <form method="post" noValidate onSubmit={form.handleSubmit((values) => update.mutate({ merchantId, ...values }))}>
            <CardContent className="grid gap-4">
              <FormField
                control={form.control}
                name="upstreamBaseUrl"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Upstream base URL</FormLabel>
                    <FormControl>
                      <Input inputMode="url" className="font-mono" spellCheck={false} {...field} />
                    </FormControl>
                    <FormDescription>Calls to /{merchantId}/path go to this URL + path + query.</FormDescription>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <FormField
                control={form.control}
                name="upstreamTimeoutMs"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Timeout (ms)</FormLabel>
                    <FormControl>
                      <Input type="number" min={1000} max={120000} value={field.value} onChange={(e) => field.onChange(Number(e.target.value))} />
                    </FormControl>
                    <FormDescription>A slower upstream gets a 504 and the buyer is not charged.</FormDescription>
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
                      <Switch checked={field.value} onCheckedChange={field.onChange} aria-label="Charge failed calls" />
                    </FormControl>
                    <div className="grid gap-1">
                      <FormLabel className="!mt-0">Charge calls my API answers with an error</FormLabel>
                      <FormDescription>Off: buyers pay only for answers below 400.</FormDescription>
                    </div>
                  </FormItem>
                )}
              />
            </CardContent>
            <CardFooter className="mt-4">
              <Button type="submit" disabled={update.isPending || !form.formState.isDirty}>
                {update.isPending ? "Saving…" : "Save routing"}
              </Button>
            </CardFooter>
          </form>
        </Form>
      )}
    </Card>
  );
}
