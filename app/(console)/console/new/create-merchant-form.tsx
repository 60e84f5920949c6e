"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { createMerchantInput } from "@/server/merchants/schemas";

type FormValues = z.input<typeof createMerchantInput>;

export function CreateMerchantForm() {
  const router = useRouter();
  const utils = api.useUtils();
  const form = useForm<FormValues, unknown, z.output<typeof createMerchantInput>>({
    resolver: zodResolver(createMerchantInput),
    defaultValues: { name: "", upstreamBaseUrl: "", payoutAddress: "", settlementMode: "DIRECT" },
  });
  const create = api.merchants.create.useMutation({
    onSuccess: async (merchant) => {
      await utils.merchants.listMine.invalidate();
      toast.success(merchant.status === "ACTIVE" ? "Merchant created" : "Merchant created; it is pending review");
      router.push(`/console/${merchant.id}`);
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(err.message);
    },
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-xl">Create a merchant</CardTitle>
        <CardDescription>
          A merchant is one API you sell. Calls to your gateway URL are priced by your rules and forwarded to your
          upstream.
        </CardDescription>
      </CardHeader>
      <Form {...form}>
        <form method="post" onSubmit={form.handleSubmit((values) => create.mutate(values))} noValidate>
          <CardContent className="grid gap-4">
            <FormField
              control={form.control}
              name="name"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Name</FormLabel>
                  <FormControl>
                    <Input placeholder="Acme Signals API" {...field} />
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
                  <FormLabel>Upstream base URL</FormLabel>
                  <FormControl>
                    <Input placeholder="https://api.example.com" inputMode="url" {...field} />
                  </FormControl>
                  <FormDescription>Where the gateway forwards paid and free calls.</FormDescription>
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
                    <Input placeholder="0x…" className="font-mono" spellCheck={false} {...field} />
                  </FormControl>
                  <FormDescription>The address that receives your stablecoin payments.</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="settlementMode"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>How you get paid</FormLabel>
                  <Select value={field.value} onValueChange={field.onChange}>
                    <FormControl>
                      <SelectTrigger aria-label="How you get paid">
                        <SelectValue />
                      </SelectTrigger>
                    </FormControl>
                    <SelectContent>
                      <SelectItem value="DIRECT">Directly: buyers pay your wallet</SelectItem>
                      <SelectItem value="PLATFORM">Through the platform: paid out by settlement runs</SelectItem>
                    </SelectContent>
                  </Select>
                  <FormDescription>
                    {field.value === "PLATFORM"
                      ? "Buyers pay the platform's treasury; your balance, less the platform fee, is sent to your wallet each month."
                      : "Each payment lands in your wallet at once; the platform fee is invoiced on your monthly statement."}
                  </FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
          </CardContent>
          <CardFooter className="mt-6">
            <Button type="submit" className="w-full" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create merchant"}
            </Button>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
