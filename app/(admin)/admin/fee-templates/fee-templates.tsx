"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Percent } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useForm, type Control, type FieldValues, type Path } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { DateTime } from "@/app/_components/date-time";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import {
  Form,
  FormControl,
  FormDescription,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Switch } from "@/app/_components/ui/switch";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { useErrorText } from "@/app/_lib/error-text";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { createFeeTemplateInput, feeTermsSchema } from "@/server/billing/schemas";

/** "2.5 %" or "2.5 % + 100 atomic", in the viewer's locale. */
function useTerms() {
  const t = useTranslations("admin");
  const format = useFormatter();
  return (bps: number, fixed: bigint) => {
    const percent = format.number(bps / 100, { maximumFractionDigits: 2 });
    return fixed > 0n
      ? t("feeTemplates.termsWithFixed", { percent, fixed: fixed.toString() })
      : t("feeTemplates.terms", { percent });
  };
}

// datetime-local speaks the browser's local time; empty means "now"
const toInputValue = (d: Date | undefined) =>
  d ? new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : "";

/** bps, fixed fee and start: the fields a template and a new version share. */
function TermsFields<T extends FieldValues, Out extends FieldValues>({
  control,
}: {
  control: Control<T, unknown, Out>;
}) {
  const t = useTranslations("admin");
  return (
    <>
      <FormField
        control={control}
        name={"bps" as Path<T>}
        render={({ field }) => (
          <FormItem>
            <FormLabel>{t("feeTemplates.bps")}</FormLabel>
            <FormControl>
              <Input
                type="number"
                step={1}
                value={Number.isNaN(field.value) ? "" : (field.value as number)}
                onChange={(e) =>
                  field.onChange(e.target.value === "" ? Number.NaN : Number(e.target.value))
                }
              />
            </FormControl>
            <FormDescription>{t("feeTemplates.bpsHint")}</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
      <FormField
        control={control}
        name={"fixedFeeAtomic" as Path<T>}
        render={({ field }) => (
          <FormItem>
            <FormLabel>{t("feeTemplates.fixedFee")}</FormLabel>
            <FormControl>
              <Input
                inputMode="numeric"
                className="font-mono"
                {...field}
                value={field.value as string}
              />
            </FormControl>
            <FormDescription>{t("feeTemplates.fixedFeeHint")}</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
      <FormField
        control={control}
        name={"effectiveFrom" as Path<T>}
        render={({ field }) => (
          <FormItem>
            <FormLabel>{t("feeTemplates.effectiveFrom")}</FormLabel>
            <FormControl>
              <Input
                type="datetime-local"
                value={toInputValue(field.value as Date | undefined)}
                onChange={(e) =>
                  field.onChange(e.target.value ? new Date(e.target.value) : undefined)
                }
              />
            </FormControl>
            <FormDescription>{t("feeTemplates.effectiveFromHint")}</FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
    </>
  );
}

function CreateTemplateForm() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const form = useForm<
    z.input<typeof createFeeTemplateInput>,
    unknown,
    z.output<typeof createFeeTemplateInput>
  >({
    resolver: zodResolver(createFeeTemplateInput),
    defaultValues: { name: "", bps: 250, fixedFeeAtomic: "0", isDefault: false },
  });
  const create = api.admin.feeTemplates.create.useMutation({
    onSuccess: async () => {
      toast.success(t("feeTemplates.created"));
      form.reset();
      await utils.admin.feeTemplates.list.invalidate();
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(errorText(err));
    },
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("feeTemplates.newTemplate")}</CardTitle>
      </CardHeader>
      <CardContent>
        <Form {...form}>
          <form
            method="post"
            noValidate
            className="grid gap-4 sm:grid-cols-2"
            onSubmit={form.handleSubmit((values) =>
              create.mutate({ ...values, fixedFeeAtomic: values.fixedFeeAtomic.toString() }),
            )}
          >
            <FormField
              control={form.control}
              name="name"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("shared.name")}</FormLabel>
                  <FormControl>
                    <Input {...field} placeholder={t("feeTemplates.namePlaceholder")} />
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
                    <Switch
                      checked={field.value ?? false}
                      onCheckedChange={field.onChange}
                      aria-label={t("feeTemplates.platformDefault")}
                    />
                  </FormControl>
                  <FormLabel className="!mt-0">{t("feeTemplates.platformDefaultLabel")}</FormLabel>
                </FormItem>
              )}
            />
            <TermsFields control={form.control} />
            <div className="sm:col-span-2">
              <Button type="submit" disabled={create.isPending}>
                {create.isPending ? t("feeTemplates.creating") : t("feeTemplates.create")}
              </Button>
            </div>
          </form>
        </Form>
      </CardContent>
    </Card>
  );
}

function NewVersionForm({ templateId, onDone }: { templateId: string; onDone: () => void }) {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const form = useForm<z.input<typeof feeTermsSchema>, unknown, z.output<typeof feeTermsSchema>>({
    resolver: zodResolver(feeTermsSchema),
    defaultValues: { bps: 250, fixedFeeAtomic: "0" },
  });
  const add = api.admin.feeTemplates.addVersion.useMutation({
    onSuccess: async () => {
      toast.success(t("feeTemplates.versionScheduled"));
      await utils.admin.feeTemplates.list.invalidate();
      onDone();
    },
    onError: (err) => {
      if (!applyServerFieldErrors(form, err)) toast.error(errorText(err));
    },
  });
  return (
    <Form {...form}>
      <form
        method="post"
        noValidate
        className="grid gap-4 rounded-md border p-4 sm:grid-cols-3"
        onSubmit={form.handleSubmit((values) =>
          add.mutate({ templateId, ...values, fixedFeeAtomic: values.fixedFeeAtomic.toString() }),
        )}
      >
        <TermsFields control={form.control} />
        <div className="flex gap-2 sm:col-span-3">
          <Button type="submit" disabled={add.isPending}>
            {t("feeTemplates.saveVersion")}
          </Button>
          <Button type="button" variant="ghost" onClick={onDone}>
            {t("shared.cancel")}
          </Button>
        </div>
      </form>
    </Form>
  );
}

export function FeeTemplates() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const terms = useTerms();
  const utils = api.useUtils();
  const list = api.admin.feeTemplates.list.useQuery(undefined, { refetchOnMount: "always" });
  const [versioning, setVersioning] = useState<string | null>(null);
  const setDefault = api.admin.feeTemplates.setDefault.useMutation({
    onSuccess: async () => {
      toast.success(t("feeTemplates.defaultChanged"));
      await utils.admin.feeTemplates.list.invalidate();
    },
    onError: (e) => toast.error(errorText(e)),
  });
  return (
    <div className="grid gap-6">
      <CreateTemplateForm />
      <Card>
        <CardHeader>
          <CardTitle>{t("feeTemplates.templates")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4">
          {list.isLoading ? (
            <Skeleton className="h-24" />
          ) : list.error ? (
            <p role="alert" className="text-sm text-destructive">
              {t("feeTemplates.loadFailed", { error: errorText(list.error) })}
            </p>
          ) : (list.data ?? []).length === 0 ? (
            <EmptyState
              icon={Percent}
              title={t("feeTemplates.emptyTitle")}
              description={t("feeTemplates.emptyDescription")}
            />
          ) : (
            (list.data ?? []).map((template) => (
              <div
                key={template.id}
                className="grid gap-3 rounded-md border p-4"
                data-testid="fee-template"
              >
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <div className="flex items-center gap-2">
                    <span className="font-medium">{template.name}</span>
                    {template.isDefault && (
                      <StatusBadge status="ACTIVE" label={t("feeTemplates.default")} />
                    )}
                    <span className="text-sm text-muted-foreground">
                      {template.inForce
                        ? t("feeTemplates.inForce", {
                            terms: terms(template.inForce.bps, template.inForce.fixedFeeAtomic),
                          })
                        : t("feeTemplates.notInForce")}{" "}
                      · {t("feeTemplates.merchantCount", { count: template.merchants })}
                    </span>
                  </div>
                  <div className="flex gap-2">
                    {!template.isDefault && (
                      <Button
                        size="sm"
                        variant="outline"
                        disabled={setDefault.isPending}
                        onClick={() => setDefault.mutate({ templateId: template.id })}
                      >
                        {t("feeTemplates.makeDefault")}
                      </Button>
                    )}
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => setVersioning(template.id)}
                    >
                      {t("feeTemplates.newVersion")}
                    </Button>
                  </div>
                </div>
                {versioning === template.id && (
                  <NewVersionForm templateId={template.id} onDone={() => setVersioning(null)} />
                )}
                <Table>
                  <TableHeader>
                    <TableRow>
                      <TableHead>{t("feeTemplates.effectiveFrom")}</TableHead>
                      <TableHead>{t("feeTemplates.termsColumn")}</TableHead>
                      <TableHead>{t("shared.created")}</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {template.versions.map((v) => (
                      <TableRow key={v.id}>
                        <TableCell>
                          <DateTime value={v.effectiveFrom} />
                        </TableCell>
                        <TableCell>
                          {terms(v.bps, v.fixedFeeAtomic)}
                          {template.inForce?.id === v.id && (
                            <StatusBadge
                              status="ACTIVE"
                              label={t("feeTemplates.inForceBadge")}
                              className="ml-2"
                            />
                          )}
                        </TableCell>
                        <TableCell className="text-muted-foreground">
                          <DateTime value={v.createdAt} />
                        </TableCell>
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
