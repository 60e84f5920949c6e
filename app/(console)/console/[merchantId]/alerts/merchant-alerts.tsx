"use client";

import { useState } from "react";
import { toast } from "sonner";

import { AlertsTable } from "@/app/_components/alerts-table";
import { ThresholdsForm } from "@/app/_components/thresholds-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { api } from "@/app/_lib/trpc/react";

export function MerchantAlerts({ merchantId }: { merchantId: string }) {
  const utils = api.useUtils();
  const alerts = api.alerts.list.useQuery({ merchantId }, { refetchInterval: 15_000 });
  const thresholds = api.alerts.thresholds.useQuery({ merchantId });
  const refreshAlerts = () => utils.alerts.list.invalidate({ merchantId });
  const acknowledge = api.alerts.acknowledge.useMutation({ onSuccess: async () => { await refreshAlerts(); toast.success("Alert acknowledged"); }, onError: (e) => toast.error(e.message) });
  const resolve = api.alerts.resolve.useMutation({ onSuccess: async () => { await refreshAlerts(); toast.success("Alert resolved"); }, onError: (e) => toast.error(e.message) });
  const actions = { onAcknowledge: (alertId: string) => acknowledge.mutate({ merchantId, alertId }), onResolve: (alertId: string) => resolve.mutate({ merchantId, alertId }), pending: acknowledge.isPending || resolve.isPending };
  const [errors, setErrors] = useState<Record<string, string>>({});
  const update = api.alerts.updateThresholds.useMutation({
    onSuccess: async () => {
      setErrors({});
      await utils.alerts.thresholds.invalidate({ merchantId });
      toast.success("Thresholds saved");
    },
    onError: (err) => {
      const fields = (err.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors;
      if (fields) setErrors(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v?.[0] ?? ""])));
      else toast.error(err.message);
    },
  });
  return (
    <div className="grid gap-6">
      {alerts.data ? <AlertsTable alerts={alerts.data} actions={actions} /> : alerts.error ? <p className="text-sm text-destructive">{alerts.error.message}</p> : <Skeleton className="h-40" />}
      <Card>
        <CardHeader>
          <CardTitle>Your thresholds</CardTitle>
          <CardDescription>Leave a field empty to follow the platform&apos;s default (shown greyed).</CardDescription>
        </CardHeader>
        <CardContent>
          {thresholds.data ? (
            <ThresholdsForm
              values={thresholds.data.own}
              inherited={thresholds.data.platform}
              platform={false}
              isSaving={update.isPending}
              errors={errors}
              onSave={(changes) => update.mutate({ merchantId, ...changes })}
            />
          ) : (
            <Skeleton className="h-48" />
          )}
        </CardContent>
      </Card>
    </div>
  );
}
