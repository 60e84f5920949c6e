"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";

import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/app/_components/ui/alert-dialog";
import { Button } from "@/app/_components/ui/button";
import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { Textarea } from "@/app/_components/ui/textarea";
import { useErrorText } from "@/app/_lib/error-text";
import { serverFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { useValidationText } from "@/app/_lib/validation-text";

type Action = "approve" | "disable" | "enable";

/** Approve / disable (with a reason) / re-enable, each confirmed in a dialog. */
export function MerchantActions({
  merchantId,
  status,
}: {
  merchantId: string;
  status: "PENDING_REVIEW" | "ACTIVE" | "DISABLED";
}) {
  const t = useTranslations("admin");
  const text = useValidationText();
  const errorText = useErrorText();
  const router = useRouter();
  const [open, setOpen] = useState<Action | null>(null);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const done = (message: string) => {
    toast.success(message);
    setOpen(null);
    setReason("");
    router.refresh();
  };
  const onError = (e: {
    message: string;
    data?: { zodError?: Record<string, string[] | undefined> | null } | null;
  }) => {
    const field = serverFieldErrors(e, text).reason;
    if (field) setReasonError(field);
    else toast.error(errorText(e));
  };
  const approve = api.admin.merchants.approve.useMutation({
    onSuccess: () => done(t("merchantActions.approve.done")),
    onError,
  });
  const disable = api.admin.merchants.disable.useMutation({
    onSuccess: () => done(t("merchantActions.disable.done")),
    onError,
  });
  const enable = api.admin.merchants.enable.useMutation({
    onSuccess: () => done(t("merchantActions.enable.done")),
    onError,
  });
  const pending = approve.isPending || disable.isPending || enable.isPending;
  const confirm = () => {
    if (open === "approve") approve.mutate({ merchantId });
    if (open === "enable") enable.mutate({ merchantId });
    if (open === "disable") {
      if (reason.trim().length < 3) return setReasonError(t("merchantActions.reasonTooShort"));
      disable.mutate({ merchantId, reason });
    }
  };

  return (
    <div className="flex flex-wrap gap-2">
      {status === "PENDING_REVIEW" && (
        <Button onClick={() => setOpen("approve")}>{t("merchantActions.approve.confirm")}</Button>
      )}
      {status === "DISABLED" && (
        <Button onClick={() => setOpen("enable")}>{t("merchantActions.enable.confirm")}</Button>
      )}
      {status !== "DISABLED" && (
        <Button variant="destructive" onClick={() => setOpen("disable")}>
          {t("merchantActions.disable.confirm")}
        </Button>
      )}
      <AlertDialog open={open !== null} onOpenChange={(o) => !o && setOpen(null)}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>{open ? t(`merchantActions.${open}.title`) : ""}</AlertDialogTitle>
            <AlertDialogDescription>
              {open ? t(`merchantActions.${open}.description`) : ""}
            </AlertDialogDescription>
          </AlertDialogHeader>
          {open === "disable" && (
            <div className="grid gap-1.5">
              <Label htmlFor="disable-reason">{t("merchantActions.reason")}</Label>
              <Textarea
                id="disable-reason"
                value={reason}
                aria-invalid={reasonError !== null}
                onChange={(e) => {
                  setReason(e.target.value);
                  setReasonError(null);
                }}
                placeholder={t("merchantActions.reasonPlaceholder")}
              />
              {reasonError && <p className="text-sm text-destructive">{reasonError}</p>}
            </div>
          )}
          <AlertDialogFooter>
            <AlertDialogCancel>{t("shared.cancel")}</AlertDialogCancel>
            {/* a plain button: the dialog stays open until the server answers (or a field error shows) */}
            <Button
              variant={open === "disable" ? "destructive" : "default"}
              onClick={confirm}
              disabled={pending}
            >
              {open ? t(`merchantActions.${open}.confirm`) : ""}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}

/** Which fee template the merchant pays; "default" follows the platform's default template. */
export function FeeTemplateAssign({
  merchantId,
  templateId,
}: {
  merchantId: string;
  templateId: string | null;
}) {
  const t = useTranslations("admin");
  const format = useFormatter();
  const errorText = useErrorText();
  const router = useRouter();
  const templates = api.admin.feeTemplates.list.useQuery();
  const [value, setValue] = useState(templateId ?? "DEFAULT");
  const assign = api.admin.merchants.assignFeeTemplate.useMutation({
    onSuccess: () => {
      toast.success(t("merchantActions.feeTemplateAssigned"));
      router.refresh();
    },
    onError: (e) => toast.error(errorText(e)),
  });
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="grid gap-1.5">
        <Label htmlFor="fee-template">{t("merchantActions.feeTemplate")}</Label>
        <Select value={value} onValueChange={setValue}>
          <SelectTrigger
            id="fee-template"
            aria-label={t("merchantActions.feeTemplate")}
            className="w-64"
          >
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="DEFAULT">{t("merchantActions.platformDefault")}</SelectItem>
            {templates.data?.map((template) => (
              <SelectItem key={template.id} value={template.id}>
                {template.inForce
                  ? t("merchantActions.templateInForce", {
                      name: template.name,
                      percent: format.number(template.inForce.bps / 100, {
                        maximumFractionDigits: 2,
                      }),
                    })
                  : t("merchantActions.templateNotInForce", { name: template.name })}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      <Button
        variant="secondary"
        disabled={assign.isPending || value === (templateId ?? "DEFAULT")}
        onClick={() =>
          assign.mutate({ merchantId, templateId: value === "DEFAULT" ? null : value })
        }
      >
        {t("merchantActions.assign")}
      </Button>
    </div>
  );
}

/** How the merchant is paid: straight to its wallet, or through the treasury and settlement runs. */
export function SettlementModeChange({
  merchantId,
  mode,
}: {
  merchantId: string;
  mode: "DIRECT" | "PLATFORM";
}) {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const router = useRouter();
  const [value, setValue] = useState<"DIRECT" | "PLATFORM">(mode);
  const change = api.admin.merchants.setSettlementMode.useMutation({
    onSuccess: () => {
      toast.success(t("merchantActions.settlementModeChanged"));
      router.refresh();
    },
    onError: (e) => toast.error(errorText(e)),
  });
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="grid gap-1.5">
        <Label htmlFor="settlement-mode">{t("merchantActions.settlementMode")}</Label>
        <Select value={value} onValueChange={(v) => setValue(v as "DIRECT" | "PLATFORM")}>
          <SelectTrigger
            id="settlement-mode"
            aria-label={t("merchantActions.settlementMode")}
            className="w-64"
          >
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="DIRECT">{t("merchantActions.modeDirect")}</SelectItem>
            <SelectItem value="PLATFORM">{t("merchantActions.modePlatform")}</SelectItem>
          </SelectContent>
        </Select>
      </div>
      <Button
        variant="secondary"
        disabled={change.isPending || value === mode}
        onClick={() => change.mutate({ merchantId, mode: value })}
      >
        {t("shared.change")}
      </Button>
    </div>
  );
}

/** Which facilitator verifies and settles the merchant's payments: this deployment's or the hosted one. */
export function FacilitatorChange({
  merchantId,
  facilitator,
}: {
  merchantId: string;
  facilitator: "LOCAL" | "HOSTED";
}) {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const router = useRouter();
  const [value, setValue] = useState<"LOCAL" | "HOSTED">(facilitator);
  const [error, setError] = useState<string | null>(null);
  const hosted = api.admin.hostedFacilitator.get.useQuery();
  const change = api.admin.merchants.setFacilitator.useMutation({
    onSuccess: () => {
      setError(null);
      toast.success(t("merchantActions.facilitatorChanged"));
      router.refresh();
    },
    onError: (e) => setError(errorText(e)),
  });
  return (
    <div className="grid gap-1.5">
      <div className="flex flex-wrap items-end gap-2">
        <div className="grid gap-1.5">
          <Label htmlFor="facilitator">{t("merchantActions.facilitator")}</Label>
          <Select
            value={value}
            onValueChange={(v) => {
              setValue(v as "LOCAL" | "HOSTED");
              setError(null);
            }}
          >
            <SelectTrigger
              id="facilitator"
              aria-label={t("merchantActions.facilitator")}
              className="w-64"
            >
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="LOCAL">{t("merchantActions.facilitatorLocal")}</SelectItem>
              <SelectItem value="HOSTED">
                {hosted.data?.url
                  ? t("merchantActions.facilitatorHosted", { host: new URL(hosted.data.url).host })
                  : t("merchantActions.facilitatorHostedNotConfigured")}
              </SelectItem>
            </SelectContent>
          </Select>
        </div>
        <Button
          variant="secondary"
          disabled={change.isPending || value === facilitator}
          onClick={() => change.mutate({ merchantId, facilitator: value })}
        >
          {t("shared.change")}
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
