"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardFooter } from "@/app/_components/ui/card";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { merchantSettingsInput } from "@/server/merchants/schemas";

type Values = z.input<typeof merchantSettingsInput>;

export function SettingsForm({ merchantId }: { merchantId: string }) {
  const utils = api.useUtils();
  const merchant = api.merchants.get.useQuery({ merchantId });
  const form = useForm<Values, unknown, z.output<typeof merchantSettingsInput>>({ resolver: zodResolver(merchantSettingsInput), defaultValues: { name: "", payoutAddress: "" } });
  useEffect(() => {
    if (merchant.data) form.reset({ name: merchant.data.name, payoutAddress: merchant.data.payoutAddress });
  }, [merchant.data, form]);
  const update = api.merchants.updateSettings.useMutation({
    onSuccess: async () => {
      await utils.merchants.get.invalidate({ merchantId });
      toast.success("Settings saved");
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(err.message);
    },
  });
  const canEdit = merchant.data?.role === "OWNER" || merchant.data?.role === "ADMIN";
  return (
    <Card>
      <Form {...form}>
        <form method="post" noValidate onSubmit={form.handleSubmit((values) => update.mutate({ merchantId, ...values }))}>
          <CardContent className="grid gap-4 pt-6">
            <FormField
              control={form.control}
              name="name"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Name</FormLabel>
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
                  <FormLabel>Settlement wallet</FormLabel>
                  <FormControl>
                    <Input className="font-mono" spellCheck={false} {...field} disabled={!canEdit} />
                  </FormControl>
                  <FormDescription>Payments from now on are made out to this address. {canEdit ? "" : "Only owners and admins can change it."}</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
          </CardContent>
          <CardFooter className="mt-4">
            <Button type="submit" disabled={!canEdit || update.isPending || !form.formState.isDirty}>
              {update.isPending ? "Saving…" : "Save settings"}
            </Button>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
