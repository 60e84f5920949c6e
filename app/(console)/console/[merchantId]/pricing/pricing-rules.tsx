"use client";

import { Plus, Tags } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/app/_components/ui/alert-dialog";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/app/_components/ui/dialog";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api, type RouterOutputs } from "@/app/_lib/trpc/react";
import { SETTLEMENT_POLICY_COPY } from "@/server/pricing/settlement-policies";

import { RuleForm } from "./rule-form";

type Rule = RouterOutputs["pricingRules"]["list"][number];

function billingText(rule: Rule): string {
  if (rule.billingMode === "BUNDLE") return `Bundle of ${rule.bundleSize}`;
  if (rule.billingMode === "TIME_PASS") return `Pass, ${Math.round((rule.passDurationSeconds ?? 0) / 60)} min`;
  return "Per request";
}

/** Plainly, which methods on this rule's path nothing prices: free (or refused, per the traffic setting). */
function UnpricedMethods({ methods, refused, active }: { methods: string[] | undefined; refused: boolean; active: boolean }) {
  if (!active || methods === undefined) return <span className="text-muted-foreground">—</span>;
  if (methods.length === 0) return <span className="text-muted-foreground">all priced</span>;
  return refused ? (
    <span>
      <span className="font-mono">{methods.join(", ")}</span> refused (404)
    </span>
  ) : (
    <span className="font-medium text-destructive">
      <span className="font-mono">{methods.join(", ")}</span> FREE
    </span>
  );
}

export function PricingRules({ merchantId }: { merchantId: string }) {
  const utils = api.useUtils();
  const rules = api.pricingRules.list.useQuery({ merchantId });
  const options = api.pricingRules.options.useQuery({ merchantId });
  const unpriced = api.pricingRules.unpricedMethods.useQuery({ merchantId });
  const [editing, setEditing] = useState<Rule | "new" | null>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const remove = api.pricingRules.delete.useMutation({
    onSuccess: async () => {
      await Promise.all([utils.pricingRules.list.invalidate({ merchantId }), utils.pricingRules.unpricedMethods.invalidate({ merchantId })]);
      toast.success("Rule deleted");
      setDeleting(null);
    },
    onError: (err) => toast.error(err.message),
  });
  const networkName = (id: string) => options.data?.find((n) => n.id === id)?.name ?? id;

  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between gap-4">
        <CardTitle>Rules</CardTitle>
        <Button onClick={() => setEditing("new")} disabled={!options.data}>
          <Plus aria-hidden /> New rule
        </Button>
      </CardHeader>
      <CardContent>
        {rules.isLoading ? (
          <div className="grid gap-2">
            <Skeleton className="h-8" />
            <Skeleton className="h-8" />
          </div>
        ) : rules.error ? (
          <p role="alert" className="text-sm text-destructive">
            Could not load the rules: {rules.error.message}
          </p>
        ) : !rules.data?.length ? (
          <EmptyState icon={Tags} title="No pricing rules" description="Every path is free until you price one. Add a rule like GET /api/* = 0.01 USDC." />
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Method</TableHead>
                <TableHead>Path pattern</TableHead>
                <TableHead>Other methods</TableHead>
                <TableHead className="text-right">Price</TableHead>
                <TableHead>Network</TableHead>
                <TableHead>Billing</TableHead>
                <TableHead>Settlement</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="sr-only">Actions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rules.data.map((rule) => (
                <TableRow key={rule.id} data-testid="pricing-rule-row">
                  <TableCell className="font-mono text-xs">{rule.methods.join(", ")}</TableCell>
                  <TableCell className="font-mono">{rule.pathPattern}</TableCell>
                  <TableCell className="text-xs" data-testid="unpriced-methods">
                    <UnpricedMethods methods={unpriced.data?.patterns.find((p) => p.pathPattern === rule.pathPattern)?.methods} refused={unpriced.data?.unmatchedMethods === "REFUSE"} active={rule.active} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {rule.price} <span className="text-muted-foreground">{rule.assetSymbol}</span>
                  </TableCell>
                  <TableCell>{networkName(rule.network)}</TableCell>
                  <TableCell>{billingText(rule)}</TableCell>
                  <TableCell title={SETTLEMENT_POLICY_COPY[rule.settlementPolicy].explanation}>{SETTLEMENT_POLICY_COPY[rule.settlementPolicy].short}</TableCell>
                  <TableCell>
                    <StatusBadge status={rule.active ? "ACTIVE" : "DISABLED"} />
                  </TableCell>
                  <TableCell className="text-right">
                    <div className="flex justify-end gap-2">
                      <Button variant="outline" size="sm" onClick={() => setEditing(rule)}>
                        Edit
                      </Button>
                      <Button variant="ghost" size="sm" onClick={() => setDeleting(rule)}>
                        Delete
                      </Button>
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>

      <Dialog open={editing !== null} onOpenChange={(open) => !open && setEditing(null)}>
        <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-2xl">
          <DialogHeader>
            <DialogTitle>{editing === "new" ? "New pricing rule" : "Edit pricing rule"}</DialogTitle>
            <DialogDescription>Prices are entered in the asset's units and stored exactly, in its smallest unit.</DialogDescription>
          </DialogHeader>
          {editing !== null && options.data && (
            <RuleForm merchantId={merchantId} rule={editing === "new" ? undefined : editing} options={options.data} onDone={() => setEditing(null)} />
          )}
        </DialogContent>
      </Dialog>

      <AlertDialog open={deleting !== null} onOpenChange={(open) => !open && setDeleting(null)}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Delete this rule?</AlertDialogTitle>
            <AlertDialogDescription>
              {deleting?.methods.join(", ")} {deleting?.pathPattern} becomes free (unless another rule covers it). Past payments keep their history.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <AlertDialogAction onClick={() => deleting && remove.mutate({ merchantId, id: deleting.id })}>Delete</AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </Card>
  );
}
