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

export function RiskAlerts() {
  const t = useTranslations("admin");
  const text = useValidationText();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const alerts = api.admin.alerts.list.useQuery({}, { refetchInterval: 15_000 });
  const thresholds = api.admin.alerts.thresholds.useQuery();
  const refreshAlerts = () => utils.admin.alerts.list.invalidate();
  const acknowledge = api.admin.alerts.acknowledge.useMutation({
    onSuccess: async () => {
      await refreshAlerts();
      toast.success(t("risk.alertAcknowledged"));
    },
    onError: (e) => toast.error(errorText(e)),
  });
  const resolve = api.admin.alerts.resolve.useMutation({
    onSuccess: async () => {
      await refreshAlerts();
      toast.success(t("risk.alertResolved"));
    },
    onError: (e) => toast.error(errorText(e)),
  });
  const actions = {
    onAcknowledge: (alertId: string) => acknowledge.mutate({ alertId }),
    onResolve: (alertId: string) => resolve.mutate({ alertId }),
    pending: acknowledge.isPending || resolve.isPending,
  };
  const [errors, setErrors] = useState<Record<string, string>>({});
  const update = api.admin.alerts.updateThresholds.useMutation({
    onSuccess: async () => {
      setErrors({});
      await utils.admin.alerts.thresholds.invalidate();
      toast.success(t("risk.thresholdsSaved"));
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
        <AlertsTable alerts={alerts.data} showMerchant actions={actions} />
      ) : alerts.error ? (
        <p className="text-sm text-destructive">{errorText(alerts.error)}</p>
      ) : (
        <Skeleton className="h-40" />
      )}
      <Card>
        <CardHeader>
          <CardTitle>{t("risk.thresholdsTitle")}</CardTitle>
          <CardDescription>{t("risk.thresholdsDescription")}</CardDescription>
        </CardHeader>
        <CardContent>
          {thresholds.data ? (
            <ThresholdsForm
              values={thresholds.data}
              platform
              isSaving={update.isPending}
              errors={errors}
              onSave={(changes) =>
                update.mutate(
                  Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== null)),
                )
              }
            />
          ) : (
            <Skeleton className="h-48" />
          )}
        </CardContent>
      </Card>
    </div>
  );
}
