"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { AlertsTable } from "@/app/_components/alerts-table";
import { ThresholdsForm } from "@/app/_components/thresholds-form";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { useErrorText } from "@/app/_lib/error-text";
import { serverFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { useValidationText } from "@/app/_lib/validation-text";

export function MerchantAlerts({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const text = useValidationText();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const alerts = api.alerts.list.useQuery({ merchantId }, { refetchInterval: 15_000 });
  const thresholds = api.alerts.thresholds.useQuery({ merchantId });
  const refreshAlerts = () => utils.alerts.list.invalidate({ merchantId });
  const acknowledge = api.alerts.acknowledge.useMutation({
    onSuccess: async () => {
      await refreshAlerts();
      toast.success(t("alerts.acknowledgedToast"));
    },
    onError: (e) => toast.error(errorText(e)),
  });
  const resolve = api.alerts.resolve.useMutation({
    onSuccess: async () => {
      await refreshAlerts();
      toast.success(t("alerts.resolvedToast"));
    },
    onError: (e) => toast.error(errorText(e)),
  });
  const actions = {
    onAcknowledge: (alertId: string) => acknowledge.mutate({ merchantId, alertId }),
    onResolve: (alertId: string) => resolve.mutate({ merchantId, alertId }),
    pending: acknowledge.isPending || resolve.isPending,
  };
  const [errors, setErrors] = useState<Record<string, string>>({});
  const update = api.alerts.updateThresholds.useMutation({
    onSuccess: async () => {
      setErrors({});
      await utils.alerts.thresholds.invalidate({ merchantId });
      toast.success(t("alerts.thresholdsSaved"));
    },
    onError: (err) => {
      const fields = serverFieldErrors(err, text);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else toast.error(errorText(err));
    },
  });
  return (
    <div className="grid gap-6">
      {alerts.data ? (
        <AlertsTable alerts={alerts.data} actions={actions} />
      ) : alerts.error ? (
        <p className="text-sm text-destructive">{errorText(alerts.error)}</p>
      ) : (
        <Skeleton className="h-40" />
      )}
      <Card>
        <CardHeader>
          <CardTitle>{t("alerts.thresholdsTitle")}</CardTitle>
          <CardDescription>{t("alerts.thresholdsDescription")}</CardDescription>
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
