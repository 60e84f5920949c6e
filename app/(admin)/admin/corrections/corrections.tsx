"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Scale } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Amount } from "@/app/_components/amount";
import { DateTime } from "@/app/_components/date-time";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
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
import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
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
import {
  correctionThresholdInput,
  createCorrectionInput,
} from "@/server/billing/correction-schemas";

type CreateValues = z.input<typeof createCorrectionInput>;

function ThresholdForm() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const threshold = api.admin.corrections.threshold.useQuery();
  const form = useForm<z.input<typeof correctionThresholdInput>>({
    resolver: zodResolver(correctionThresholdInput),
    values: { thresholdAtomic: threshold.data?.thresholdAtomic ?? "" },
  });
  const save = api.admin.corrections.setThreshold.useMutation({
    onSuccess: async () => {
      toast.success(t("corrections.thresholdSaved"));
      await utils.admin.corrections.threshold.invalidate();
    },
    onError: (e) => {
      if (!applyServerFieldErrors(form, e)) toast.error(errorText(e));
    },
  });
  return (
    <Form {...form}>
      <form
        method="post"
        className="flex flex-wrap items-start gap-3"
        onSubmit={form.handleSubmit((v) => save.mutate(v))}
      >
        <FormField
          control={form.control}
          name="thresholdAtomic"
          render={({ field }) => (
            <FormItem className="min-w-64">
              <FormLabel>{t("corrections.threshold")}</FormLabel>
              <FormControl>
                <Input inputMode="numeric" className="font-mono" {...field} />
              </FormControl>
              <FormDescription>{t("corrections.thresholdHint")}</FormDescription>
              <FormMessage />
            </FormItem>
          )}
        />
        <Button
          type="submit"
          variant="secondary"
          className="mt-6"
          disabled={save.isPending || threshold.isLoading}
        >
          {t("corrections.saveThreshold")}
        </Button>
      </form>
    </Form>
  );
}

function CreateForm() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const form = useForm<CreateValues, unknown, z.output<typeof createCorrectionInput>>({
    resolver: zodResolver(createCorrectionInput),
    defaultValues: {
      merchantId: "",
      direction: "CREDIT",
      amountAtomic: "",
      network: "",
      asset: "",
      reason: "",
      paymentId: "",
      payoutId: "",
    },
  });
  const create = api.admin.corrections.create.useMutation({
    onSuccess: async (c) => {
      toast.success(
        c.status === "PENDING" ? t("corrections.recordedPending") : t("corrections.applied"),
      );
      form.reset();
      await utils.admin.corrections.list.invalidate();
    },
    onError: (e) => {
      if (!applyServerFieldErrors(form, e)) toast.error(errorText(e));
    },
  });
  const text = (
    name: keyof CreateValues,
    label: string,
    opts: { description?: string; placeholder?: string; mono?: boolean } = {},
  ) => (
    <FormField
      control={form.control}
      name={name}
      render={({ field }) => (
        <FormItem>
          <FormLabel>{label}</FormLabel>
          <FormControl>
            <Input
              className={opts.mono ? "font-mono" : undefined}
              placeholder={opts.placeholder}
              {...field}
              value={(field.value as string | undefined) ?? ""}
            />
          </FormControl>
          {opts.description && <FormDescription>{opts.description}</FormDescription>}
          <FormMessage />
        </FormItem>
      )}
    />
  );
  return (
    <Form {...form}>
      <form
        method="post"
        className="grid gap-4 md:grid-cols-2"
        onSubmit={form.handleSubmit((v) =>
          create.mutate({
            ...v,
            network: v.network || undefined,
            asset: v.asset || undefined,
            paymentId: v.paymentId || undefined,
            payoutId: v.payoutId || undefined,
          }),
        )}
      >
        {text("merchantId", t("shared.merchantId"), { mono: true, placeholder: "mer_…" })}
        <FormField
          control={form.control}
          name="direction"
          render={({ field }) => (
            <FormItem>
              <FormLabel>{t("corrections.direction")}</FormLabel>
              <Select value={field.value} onValueChange={field.onChange}>
                <FormControl>
                  <SelectTrigger aria-label={t("corrections.direction")}>
                    <SelectValue />
                  </SelectTrigger>
                </FormControl>
                <SelectContent>
                  <SelectItem value="CREDIT">{t("corrections.credit")}</SelectItem>
                  <SelectItem value="DEBIT">{t("corrections.debit")}</SelectItem>
                </SelectContent>
              </Select>
              <FormMessage />
            </FormItem>
          )}
        />
        {text("amountAtomic", t("corrections.amountAtomic"), {
          mono: true,
          description: t("corrections.amountHint"),
          placeholder: "5000000",
        })}
        {text("reason", t("shared.reason"), { placeholder: t("corrections.reasonPlaceholder") })}
        {text("paymentId", t("corrections.payment"), {
          mono: true,
          placeholder: "pay_…",
          description: t("corrections.paymentHint"),
        })}
        {text("payoutId", t("corrections.payout"), { mono: true, placeholder: "pout_…" })}
        {text("network", t("corrections.network"), { mono: true, placeholder: "eip155:8453" })}
        {text("asset", t("corrections.asset"), { mono: true, placeholder: "0x…" })}
        <div className="md:col-span-2">
          <Button type="submit" disabled={create.isPending}>
            {t("corrections.record")}
          </Button>
        </div>
      </form>
    </Form>
  );
}

type Decision = { id: string; kind: "approve" | "reject" } | null;

export function Corrections({ currentUserId }: { currentUserId: string }) {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const [status, setStatus] = useState<"ALL" | "PENDING" | "COMPLETED" | "REJECTED">("ALL");
  const list = api.admin.corrections.list.useQuery({
    status: status === "ALL" ? undefined : status,
  });
  const [decision, setDecision] = useState<Decision>(null);
  const [note, setNote] = useState("");
  const done = async (message: string) => {
    toast.success(message);
    setDecision(null);
    setNote("");
    await utils.admin.corrections.list.invalidate();
  };
  const approve = api.admin.corrections.approve.useMutation({
    onSuccess: () => done(t("corrections.approvedDone")),
    onError: (e) => toast.error(errorText(e)),
  });
  const reject = api.admin.corrections.reject.useMutation({
    onSuccess: () => done(t("corrections.rejectedDone")),
    onError: (e) => toast.error(errorText(e)),
  });
  const rows = list.data ?? [];

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>{t("corrections.newTitle")}</CardTitle>
          <CardDescription>{t("corrections.newDescription")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-6">
          <CreateForm />
          <ThresholdForm />
        </CardContent>
      </Card>
      <Card>
        <CardHeader className="flex flex-row flex-wrap items-end justify-between gap-3">
          <CardTitle>{t("corrections.title")}</CardTitle>
          <div className="grid gap-1.5">
            <Label htmlFor="corrections-status">{t("shared.status")}</Label>
            <Select value={status} onValueChange={(v) => setStatus(v as typeof status)}>
              <SelectTrigger
                id="corrections-status"
                aria-label={t("shared.status")}
                className="w-44"
              >
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {(["ALL", "PENDING", "COMPLETED", "REJECTED"] as const).map((s) => (
                  <SelectItem key={s} value={s}>
                    {t(`corrections.statusOption.${s}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
        </CardHeader>
        <CardContent>
          {list.isLoading ? (
            <Skeleton className="h-24" />
          ) : list.error ? (
            <p role="alert" className="text-sm text-destructive">
              {errorText(list.error)}
            </p>
          ) : rows.length === 0 ? (
            <EmptyState
              icon={Scale}
              title={t("corrections.emptyTitle")}
              description={t("corrections.emptyDescription")}
            />
          ) : (
            <Table data-testid="corrections">
              <TableHeader>
                <TableRow>
                  <TableHead>{t("shared.created")}</TableHead>
                  <TableHead>{t("shared.merchant")}</TableHead>
                  <TableHead className="text-right">{t("shared.amount")}</TableHead>
                  <TableHead>{t("shared.reason")}</TableHead>
                  <TableHead>{t("corrections.link")}</TableHead>
                  <TableHead>{t("shared.status")}</TableHead>
                  <TableHead className="text-right">{t("corrections.decision")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((c) => {
                  const own = c.createdById === currentUserId;
                  return (
                    <TableRow key={c.id} data-testid={`correction-${c.id}`}>
                      <TableCell className="whitespace-nowrap">
                        <DateTime value={c.createdAt} />
                      </TableCell>
                      <TableCell>{c.merchantName}</TableCell>
                      <TableCell className="text-right whitespace-nowrap">
                        {c.direction === "DEBIT" ? "−" : "+"}
                        <Amount atomic={c.amountAtomic} decimals={c.decimals} symbol={c.symbol} />
                      </TableCell>
                      <TableCell className="max-w-64">
                        {c.reason}
                        {c.decisionNote && (
                          <span className="block text-xs text-muted-foreground">
                            {t("corrections.rejectedNote", { note: c.decisionNote })}
                          </span>
                        )}
                      </TableCell>
                      <TableCell className="font-mono text-xs">
                        {c.paymentId ?? c.payoutId ?? "—"}
                      </TableCell>
                      <TableCell>
                        <StatusBadge status={c.status} />
                      </TableCell>
                      <TableCell className="text-right">
                        {c.status === "PENDING" ? (
                          own ? (
                            <span className="text-xs text-muted-foreground">
                              {t("corrections.anotherAdmin")}
                            </span>
                          ) : (
                            <div className="flex justify-end gap-2">
                              <Button
                                size="sm"
                                onClick={() => setDecision({ id: c.id, kind: "approve" })}
                              >
                                {t("corrections.approve")}
                              </Button>
                              <Button
                                size="sm"
                                variant="outline"
                                onClick={() => setDecision({ id: c.id, kind: "reject" })}
                              >
                                {t("corrections.reject")}
                              </Button>
                            </div>
                          )
                        ) : (
                          <span className="text-xs text-muted-foreground">
                            {c.decidedAt ? <DateTime value={c.decidedAt} /> : "—"}
                          </span>
                        )}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
          {decision && (
            <div
              className="mt-4 grid gap-3 rounded-md border p-4"
              role="group"
              aria-label={t("corrections.decision")}
            >
              {decision.kind === "reject" && (
                <div className="grid gap-1.5">
                  <Label htmlFor="reject-note">{t("corrections.whyReject")}</Label>
                  <Input id="reject-note" value={note} onChange={(e) => setNote(e.target.value)} />
                </div>
              )}
              <div className="flex gap-2">
                <Button
                  variant={decision.kind === "reject" ? "destructive" : "default"}
                  disabled={approve.isPending || reject.isPending}
                  onClick={() =>
                    decision.kind === "approve"
                      ? approve.mutate({ correctionId: decision.id })
                      : reject.mutate({ correctionId: decision.id, note })
                  }
                >
                  {decision.kind === "approve"
                    ? t("corrections.confirmApproval")
                    : t("corrections.confirmRejection")}
                </Button>
                <Button variant="ghost" onClick={() => setDecision(null)}>
                  {t("shared.cancel")}
                </Button>
              </div>
            </div>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
