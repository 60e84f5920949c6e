"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Percent } from "lucide-react";
import { useState } from "react";
import { useForm, type Control, type FieldValues, type Path } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Switch } from "@/app/_components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";
import { createFeeTemplateInput, feeTermsSchema } from "@/server/billing/schemas";

const terms = (bps: number, fixed: bigint) => `${(bps / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })} %${fixed > 0n ? ` + ${fixed.toString()} atomic` : ""}`;

// datetime-local speaks the browser's local time; empty means "now"
const toInputValue = (d: Date | undefined) => (d ? new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : "");

/** bps, fixed fee and start: the fields a template and a new version share. */
function TermsFields<T extends FieldValues, Out extends FieldValues>({ control }: { control: Control<T, unknown, Out> }) {
  return (
    <>
      <FormField
        control={control}
        name={"bps" as Path<T>}
        render={({ field }) => (
          <FormItem>
            <FormLabel>Platform take (bps)</FormLabel>
            <FormControl>
              <Input type="number" step={1} value={Number.isNaN(field.value) ? "" : (field.value as number)} onChange={(e) => field.onChange(e.target.value === "" ? Number.NaN : Number(e.target.value))} />
            </FormControl>
            <FormDescription>100 bps = 1 %; 250 = 2.5 %.</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
      <FormField
        control={control}
        name={"fixedFeeAtomic" as Path<T>}
        render={({ field }) => (
          <FormItem>
            <FormLabel>Fixed fee per paid call (atomic units)</FormLabel>
            <FormControl>
              <Input inputMode="numeric" className="font-mono" {...field} value={field.value as string} />
            </FormControl>
            <FormDescription>Optional; 1 USDC = 1000000.</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
      <FormField
        control={control}
        name={"effectiveFrom" as Path<T>}
        render={({ field }) => (
          <FormItem>
            <FormLabel>Effective from</FormLabel>
            <FormControl>
              <Input type="datetime-local" value={toInputValue(field.value as Date | undefined)} onChange={(e) => field.onChange(e.target.value ? new Date(e.target.value) : undefined)} />
            </FormControl>
            <FormDescription>Empty: now. Never in the past, so billed periods keep their fee.</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
    </>
  );
}

function CreateTemplateForm() {
  const utils = api.useUtils();
  const form = useForm<z.input<typeof createFeeTemplateInput>, unknown, z.output<typeof createFeeTemplateInput>>({
    resolver: zodResolver(createFeeTemplateInput),
    defaultValues: { name: "", bps: 250, fixedFeeAtomic: "0", isDefault: false },
  });
  const create = api.admin.feeTemplates.create.useMutation({
    onSuccess: async () => {
      toast.success("Fee template created");
      form.reset();
      await utils.admin.feeTemplates.list.invalidate();
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(err.message);
    },
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>New template</CardTitle>
      </CardHeader>
      <CardContent>
        <Form {...form}>
          <form method="post" noValidate className="grid gap-4 sm:grid-cols-2" onSubmit={form.handleSubmit((values) => create.mutate({ ...values, fixedFeeAtomic: values.fixedFeeAtomic.toString() }))}>
            <FormField
              control={form.control}
              name="name"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Name</FormLabel>
                  <FormControl>
                    <Input {...field} placeholder="Standard" />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="isDefault"
              render={({ field }) => (
                <FormItem className="flex items-center gap-3 self-end">
                  <FormControl>
                    <Switch checked={field.value ?? false} onCheckedChange={field.onChange} aria-label="Platform default" />
                  </FormControl>
                  <FormLabel className="!mt-0">Platform default (merchants without a template pay this)</FormLabel>
                </FormItem>
              )}
            />
            <TermsFields control={form.control} />
            <div className="sm:col-span-2">
              <Button type="submit" disabled={create.isPending}>
                {create.isPending ? "Creating…" : "Create template"}
              </Button>
            </div>
          </form>
        </Form>
      </CardContent>
    </Card>
  );
}

function NewVersionForm({ templateId, onDone }: { templateId: string; onDone: () => void }) {
  const utils = api.useUtils();
  const form = useForm<z.input<typeof feeTermsSchema>, unknown, z.output<typeof feeTermsSchema>>({ resolver: zodResolver(feeTermsSchema), defaultValues: { bps: 250, fixedFeeAtomic: "0" } });
  const add = api.admin.feeTemplates.addVersion.useMutation({
    onSuccess: async () => {
      toast.success("New version scheduled");
      await utils.admin.feeTemplates.list.invalidate();
      onDone();
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(err.message);
    },
  });
  return (
    <Form {...form}>
      <form method="post" noValidate className="grid gap-4 rounded-md border p-4 sm:grid-cols-3" onSubmit={form.handleSubmit((values) => add.mutate({ templateId, ...values, fixedFeeAtomic: values.fixedFeeAtomic.toString() }))}>
        <TermsFields control={form.control} />
        <div className="flex gap-2 sm:col-span-3">
          <Button type="submit" disabled={add.isPending}>
            Save version
          </Button>
          <Button type="button" variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>
    </Form>
  );
}

export function FeeTemplates() {
  const utils = api.useUtils();
  const list = api.admin.feeTemplates.list.useQuery(undefined, { refetchOnMount: "always" });
  const [versioning, setVersioning] = useState<string | null>(null);
  const setDefault = api.admin.feeTemplates.setDefault.useMutation({
    onSuccess: async () => {
      toast.success("Default template changed");
      await utils.admin.feeTemplates.list.invalidate();
    },
    onError: (e) => toast.error(e.message),
  });
  return (
    <div className="grid gap-6">
      <CreateTemplateForm />
      <Card>
        <CardHeader>
          <CardTitle>Templates</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4">
          {list.isLoading ? (
            <Skeleton className="h-24" />
          ) : list.error ? (
            <p role="alert" className="text-sm text-destructive">
              Could not load templates: {list.error.message}
            </p>
          ) : (list.data ?? []).length === 0 ? (
            <EmptyState icon={Percent} title="No fee templates" description="Without templates the platform takes no fee." />
          ) : (
            (list.data ?? []).map((t) => (
              <div key={t.id} className="grid gap-3 rounded-md border p-4" data-testid="fee-template">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <div className="flex items-center gap-2">
                    <span className="font-medium">{t.name}</span>
                    {t.isDefault && <StatusBadge status="ACTIVE" label="Default" />}
                    <span className="text-sm text-muted-foreground">
                      {t.inForce ? `in force: ${terms(t.inForce.bps, t.inForce.fixedFeeAtomic)}` : "not yet in force"} · {t.merchants} merchant{t.merchants === 1 ? "" : "s"}
                    </span>
                  </div>
                  <div className="flex gap-2">
                    {!t.isDefault && (
                      <Button size="sm" variant="outline" disabled={setDefault.isPending} onClick={() => setDefault.mutate({ templateId: t.id })}>
                        Make default
                      </Button>
                    )}
                    <Button size="sm" variant="secondary" onClick={() => setVersioning(t.id)}>
                      New version
                    </Button>
                  </div>
                </div>
                {versioning === t.id && <NewVersionForm templateId={t.id} onDone={() => setVersioning(null)} />}
                <Table>
                  <TableHeader>
                    <TableRow>
                      <TableHead>Effective from</TableHead>
                      <TableHead>Terms</TableHead>
                      <TableHead>Created</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {t.versions.map((v) => (
                      <TableRow key={v.id}>
                        <TableCell>{formatDateTime(v.effectiveFrom)}</TableCell>
                        <TableCell>
                          {terms(v.bps, v.fixedFeeAtomic)}
                          {t.inForce?.id === v.id && <StatusBadge status="ACTIVE" label="In force" className="ml-2" />}
                        </TableCell>
                        <TableCell className="text-muted-foreground">{formatDateTime(v.createdAt)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            ))
          )}
        </CardContent>
      </Card>
    </div>
  );
}
