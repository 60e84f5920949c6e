"use client";

import { Plus, Tags } from "lucide-react";
import { useTranslations } from "next-intl";
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
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
} from "@/app/_components/ui/dialog";
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
import { api, type RouterOutputs } from "@/app/_lib/trpc/react";

import { RuleForm } from "./rule-form";

type Rule = RouterOutputs["pricingRules"]["list"][number];

function BillingText({ rule }: { rule: Rule }) {
  const t = useTranslations("console");
  if (rule.billingMode === "BUNDLE")
    return t("pricing.billingBundle", { size: rule.bundleSize ?? 0 });
  if (rule.billingMode === "TIME_PASS")
    return t("pricing.billingPass", { minutes: Math.round((rule.passDurationSeconds ?? 0) / 60) });
  if (rule.meteringHeader) return t("pricing.billingMetered", { header: rule.meteringHeader });
  return t("pricing.billingPerRequest");
}

/** Plainly, which methods on this rule's path nothing prices: free (or refused, per the traffic setting). */
function UnpricedMethods({
  methods,
  refused,
  active,
}: {
  methods: string[] | undefined;
  refused: boolean;
  active: boolean;
}) {
  const t = useTranslations("console");
  if (!active || methods === undefined) return <span className="text-muted-foreground">—</span>;
  if (methods.length === 0)
    return <span className="text-muted-foreground">{t("pricing.allPriced")}</span>;
  return refused ? (
    <span>
      <span className="font-mono">{methods.join(", ")}</span> {t("pricing.refused404")}
    </span>
  ) : (
    <span className="font-medium text-destructive">
      <span className="font-mono">{methods.join(", ")}</span> {t("pricing.unpricedFree")}
    </span>
  );
}

export function PricingRules({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const rules = api.pricingRules.list.useQuery({ merchantId });
  const options = api.pricingRules.options.useQuery({ merchantId });
  const unpriced = api.pricingRules.unpricedMethods.useQuery({ merchantId });
  const [editing, setEditing] = useState<Rule | "new" | null>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const remove = api.pricingRules.delete.useMutation({
    onSuccess: async () => {
      await Promise.all([
        utils.pricingRules.list.invalidate({ merchantId }),
        utils.pricingRules.unpricedMethods.invalidate({ merchantId }),
      ]);
      toast.success(t("pricing.deleted"));
      setDeleting(null);
    },
    onError: (err) => toast.error(errorText(err)),
  });
  const networkName = (id: string) => options.data?.find((n) => n.id === id)?.name ?? id;

  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between gap-4">
        <CardTitle>{t("pricing.rulesTitle")}</CardTitle>
        <Button onClick={() => setEditing("new")} disabled={!options.data}>
          <Plus aria-hidden /> {t("pricing.newRule")}
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
            {t("pricing.loadFailed", { message: errorText(rules.error) })}
          </p>
        ) : !rules.data?.length ? (
          <EmptyState
            icon={Tags}
            title={t("pricing.emptyTitle")}
            description={t("pricing.emptyDescription", { example: "GET /api/* = 0.01 USDC" })}
          />
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("pricing.method")}</TableHead>
                <TableHead>{t("pricing.pathPattern")}</TableHead>
                <TableHead>{t("pricing.otherMethods")}</TableHead>
                <TableHead className="text-right">{t("pricing.price")}</TableHead>
                <TableHead>{t("pricing.network")}</TableHead>
                <TableHead>{t("pricing.billing")}</TableHead>
                <TableHead>{t("pricing.settlement")}</TableHead>
                <TableHead>{t("pricing.status")}</TableHead>
                <TableHead className="sr-only">{t("pricing.actions")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rules.data.map((rule) => (
                <TableRow key={rule.id} data-testid="pricing-rule-row">
                  <TableCell className="font-mono text-xs">{rule.methods.join(", ")}</TableCell>
                  <TableCell className="font-mono">{rule.pathPattern}</TableCell>
                  <TableCell className="text-xs" data-testid="unpriced-methods">
                    <UnpricedMethods
                      methods={
                        unpriced.data?.patterns.find((p) => p.pathPattern === rule.pathPattern)
                          ?.methods
                      }
                      refused={unpriced.data?.unmatchedMethods === "REFUSE"}
                      active={rule.active}
                    />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {rule.price} <span className="text-muted-foreground">{rule.assetSymbol}</span>
                    {rule.paymentOptions.map((o) => (
                      <div
                        key={`${o.network}|${o.asset}`}
                        className="text-muted-foreground text-xs"
                        data-testid="payment-option"
                      >
                        {t("pricing.orPay", {
                          price: o.price,
                          symbol: o.assetSymbol,
                          network: networkName(o.network),
                        })}
                      </div>
                    ))}
                  </TableCell>
                  <TableCell>{networkName(rule.network)}</TableCell>
                  <TableCell>
                    <BillingText rule={rule} />
                  </TableCell>
                  <TableCell title={t(`policies.${rule.settlementPolicy}.explanation`)}>
                    {t(`policies.${rule.settlementPolicy}.short`)}
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={rule.active ? "ACTIVE" : "DISABLED"} />
                  </TableCell>
                  <TableCell className="text-right">
                    <div className="flex justify-end gap-2">
                      <Button variant="outline" size="sm" onClick={() => setEditing(rule)}>
                        {t("pricing.edit")}
                      </Button>
                      <Button variant="ghost" size="sm" onClick={() => setDeleting(rule)}>
                        {t("pricing.delete")}
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
            <DialogTitle>
              {editing === "new" ? t("pricing.newRuleTitle") : t("pricing.editRuleTitle")}
            </DialogTitle>
            <DialogDescription>{t("pricing.formDescription")}</DialogDescription>
          </DialogHeader>
          {editing !== null && options.data && (
            <RuleForm
              merchantId={merchantId}
              rule={editing === "new" ? undefined : editing}
              options={options.data}
              onDone={() => setEditing(null)}
            />
          )}
        </DialogContent>
      </Dialog>

      <AlertDialog open={deleting !== null} onOpenChange={(open) => !open && setDeleting(null)}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>{t("pricing.deleteTitle")}</AlertDialogTitle>
            <AlertDialogDescription>
              {t("pricing.deleteDescription", {
                rule: `${deleting?.methods.join(", ") ?? ""} ${deleting?.pathPattern ?? ""}`,
              })}
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>{t("pricing.cancel")}</AlertDialogCancel>
            <AlertDialogAction
              onClick={() => deleting && remove.mutate({ merchantId, id: deleting.id })}
            >
              {t("pricing.delete")}
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </Card>
  );
}
