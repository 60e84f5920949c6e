"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Scale } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { Amount } from "@/app/_components/amount";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";
import { correctionThresholdInput, createCorrectionInput } from "@/server/billing/correction-schemas";

type CreateValues = z.input<typeof createCorrectionInput>;

function ThresholdForm() {
  const utils = api.useUtils();
  const threshold = api.admin.corrections.threshold.useQuery();
  const form = useForm<z.input<typeof correctionThresholdInput>>({ resolver: zodResolver(correctionThresholdInput), values: { thresholdAtomic: threshold.data?.thresholdAtomic ?? "" } });
  const save = api.admin.corrections.setThreshold.useMutation({
    onSuccess: async () => {
      toast.success("Approval threshold saved");
      await utils.admin.corrections.threshold.invalidate();
    },
    onError: (e) => {
      if (!applyServerFieldErrors(form, e)) toast.error(e.message);
    },
  });
  return (
    <Form {...form}>
      <form method="post" className="flex flex-wrap items-start gap-3" onSubmit={form.handleSubmit((v) => save.mutate(v))}>
        <FormField
          control={form.control}
          name="thresholdAtomic"
          render={({ field }) => (
            <FormItem className="min-w-64">
              <FormLabel>Second-admin approval above (atomic units)</FormLabel>
              <FormControl>
                <Input inputMode="numeric" className="font-mono" {...field} />
              </FormControl>
              <FormDescription>1 USDC = 1000000; 0: every correction needs a second admin.</FormDescription>
              <FormMessage />
            </FormItem>
          )}
        />
        <Button type="submit" variant="secondary" className="mt-6" disabled={save.isPending || threshold.isLoading}>
          Save threshold
        </Button>
      </form>
    </Form>
  );
}

function CreateForm() {
  const utils = api.useUtils();
  const form = useForm<CreateValues, unknown, z.output<typeof createCorrectionInput>>({
    resolver: zodResolver(createCorrectionInput),
    defaultValues: { merchantId: "", direction: "CREDIT", amountAtomic: "", network: "", asset: "", reason: "", paymentId: "", payoutId: "" },
  });
  const create = api.admin.corrections.create.useMutation({
    onSuccess: async (c) => {
      toast.success(c.status === "PENDING" ? "Correction recorded: it waits for a second admin's approval" : "Correction applied to the ledger");
      form.reset();
      await utils.admin.corrections.list.invalidate();
    },
    onError: (e) => {
      if (!applyServerFieldErrors(form, e)) toast.error(e.message);
    },
  });
  const text = (name: keyof CreateValues, label: string, opts: { description?: string; placeholder?: string; mono?: boolean } = {}) => (
    <FormField
      control={form.control}
      name={name}
      render={({ field }) => (
        <FormItem>
          <FormLabel>{label}</FormLabel>
          <FormControl>
            <Input className={opts.mono ? "font-mono" : undefined} placeholder={opts.placeholder} {...field} value={(field.value as string | undefined) ?? ""} />
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
        onSubmit={form.handleSubmit((v) => create.mutate({ ...v, network: v.network || undefined, asset: v.asset || undefined, paymentId: v.paymentId || undefined, payoutId: v.payoutId || undefined }))}
      >
        {text("merchantId", "Merchant id", { mono: true, placeholder: "mer_…" })}
        <FormField
          control={form.control}
          name="direction"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Direction</FormLabel>
              <Select value={field.value} onValueChange={field.onChange}>
                <FormControl>
                  <SelectTrigger aria-label="Direction">
                    <SelectValue />
                  </SelectTrigger>
                </FormControl>
                <SelectContent>
                  <SelectItem value="CREDIT">Credit the merchant (we owe more)</SelectItem>
                  <SelectItem value="DEBIT">Debit the merchant (we owe less)</SelectItem>
                </SelectContent>
              </Select>
              <FormMessage />
            </FormItem>
          )}
        />
        {text("amountAtomic", "Amount (atomic units)", { mono: true, description: "1 USDC = 1000000", placeholder: "5000000" })}
        {text("reason", "Reason", { placeholder: "fee charged twice on 2026-11-03" })}
        {text("paymentId", "Payment (optional)", { mono: true, placeholder: "pay_…", description: "Its network and token are used." })}
        {text("payoutId", "Payout (optional)", { mono: true, placeholder: "pout_…" })}
        {text("network", "Network (without a link)", { mono: true, placeholder: "eip155:8453" })}
        {text("asset", "Token address (without a link)", { mono: true, placeholder: "0x…" })}
        <div className="md:col-span-2">
          <Button type="submit" disabled={create.isPending}>
            Record correction
          </Button>
        </div>
      </form>
    </Form>
  );
}

type Decision = { id: string; kind: "approve" | "reject" } | null;

export function Corrections({ currentUserId }: { currentUserId: string }) {
  const utils = api.useUtils();
  const [status, setStatus] = useState<"ALL" | "PENDING" | "COMPLETED" | "REJECTED">("ALL");
  const list = api.admin.corrections.list.useQuery({ status: status === "ALL" ? undefined : status });
  const [decision, setDecision] = useState<Decision>(null);
  const [note, setNote] = useState("");
  const done = async (message: string) => {
    toast.success(message);
    setDecision(null);
    setNote("");
    await utils.admin.corrections.list.invalidate();
  };
  const approve = api.admin.corrections.approve.useMutation({ onSuccess: () => done("Approved: the ledger entry is written"), onError: (e) => toast.error(e.message) });
  const reject = api.admin.corrections.reject.useMutation({ onSuccess: () => done("Rejected"), onError: (e) => toast.error(e.message) });
  const rows = list.data ?? [];

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>New correction</CardTitle>
          <CardDescription>Signed from the merchant&apos;s side: a credit raises what the platform owes it, a debit lowers it.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-6">
          <CreateForm />
          <ThresholdForm />
        </CardContent>
      </Card>
      <Card>
        <CardHeader className="flex flex-row flex-wrap items-end justify-between gap-3">
          <CardTitle>Corrections</CardTitle>
          <div className="grid gap-1.5">
            <Label htmlFor="corrections-status">Status</Label>
            <Select value={status} onValueChange={(v) => setStatus(v as typeof status)}>
              <SelectTrigger id="corrections-status" aria-label="Status" className="w-44">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="ALL">All</SelectItem>
                <SelectItem value="PENDING">Waiting for approval</SelectItem>
                <SelectItem value="COMPLETED">Applied</SelectItem>
                <SelectItem value="REJECTED">Rejected</SelectItem>
              </SelectContent>
            </Select>
          </div>
        </CardHeader>
        <CardContent>
          {list.isLoading ? (
            <Skeleton className="h-24" />
          ) : list.error ? (
            <p role="alert" className="text-sm text-destructive">
              {list.error.message}
            </p>
          ) : rows.length === 0 ? (
            <EmptyState icon={Scale} title="No corrections" description="Corrections you record appear here." />
          ) : (
            <Table data-testid="corrections">
              <TableHeader>
                <TableRow>
                  <TableHead>Created</TableHead>
                  <TableHead>Merchant</TableHead>
                  <TableHead className="text-right">Amount</TableHead>
                  <TableHead>Reason</TableHead>
                  <TableHead>Link</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="text-right">Decision</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((c) => {
                  const own = c.createdById === currentUserId;
                  return (
                    <TableRow key={c.id} data-testid={`correction-${c.id}`}>
                      <TableCell className="whitespace-nowrap">{formatDateTime(c.createdAt)}</TableCell>
                      <TableCell>{c.merchantName}</TableCell>
                      <TableCell className="text-right whitespace-nowrap">
                        {c.direction === "DEBIT" ? "−" : "+"}
                        <Amount atomic={c.amountAtomic} decimals={c.decimals} symbol={c.symbol} />
                      </TableCell>
                      <TableCell className="max-w-64">
                        {c.reason}
                        {c.decisionNote && <span className="block text-xs text-muted-foreground">Rejected: {c.decisionNote}</span>}
                      </TableCell>
                      <TableCell className="font-mono text-xs">{c.paymentId ?? c.payoutId ?? "—"}</TableCell>
                      <TableCell>
                        <StatusBadge status={c.status} />
                      </TableCell>
                      <TableCell className="text-right">
                        {c.status === "PENDING" ? (
                          own ? (
                            <span className="text-xs text-muted-foreground">Another admin approves</span>
                          ) : (
                            <div className="flex justify-end gap-2">
                              <Button size="sm" onClick={() => setDecision({ id: c.id, kind: "approve" })}>
                                Approve
                              </Button>
                              <Button size="sm" variant="outline" onClick={() => setDecision({ id: c.id, kind: "reject" })}>
                                Reject
                              </Button>
                            </div>
                          )
                        ) : (
                          <span className="text-xs text-muted-foreground">{c.decidedAt ? formatDateTime(c.decidedAt) : "—"}</span>
                        )}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
          {decision && (
            <div className="mt-4 grid gap-3 rounded-md border p-4" role="group" aria-label="Decision">
              {decision.kind === "reject" && (
                <div className="grid gap-1.5">
                  <Label htmlFor="reject-note">Why reject it?</Label>
                  <Input id="reject-note" value={note} onChange={(e) => setNote(e.target.value)} />
                </div>
              )}
              <div className="flex gap-2">
                <Button
                  variant={decision.kind === "reject" ? "destructive" : "default"}
                  disabled={approve.isPending || reject.isPending}
                  onClick={() => (decision.kind === "approve" ? approve.mutate({ correctionId: decision.id }) : reject.mutate({ correctionId: decision.id, note }))}
                >
                  {decision.kind === "approve" ? "Confirm approval" : "Confirm rejection"}
                </Button>
                <Button variant="ghost" onClick={() => setDecision(null)}>
                  Cancel
                </Button>
              </div>
            </div>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
