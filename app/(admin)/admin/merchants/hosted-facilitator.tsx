"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { useErrorText } from "@/app/_lib/error-text";
import { serverFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { useValidationText } from "@/app/_lib/validation-text";
import { useHydrated } from "@/app/_lib/use-hydrated";
import { formatDateTime } from "@/app/_lib/utils";
import { hostedFacilitatorSettingsInput } from "@/server/facilitator/hosted/schemas";

/** The platform's hosted facilitator: URL and credentials, stored sealed; secrets are entered, never shown. */
export function HostedFacilitatorSettings() {
  const t = useTranslations("admin");
  const text = useValidationText();
  const locale = useLocale();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const hydrated = useHydrated();
  const view = api.admin.hostedFacilitator.get.useQuery();
  const [form, setForm] = useState({
    url: "",
    cdpApiKeyId: "",
    cdpApiKeySecret: "",
    bearerToken: "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const done = async (message: string) => {
    setForm({ url: "", cdpApiKeyId: "", cdpApiKeySecret: "", bearerToken: "" });
    setErrors({});
    await utils.admin.hostedFacilitator.get.invalidate();
    toast.success(message);
  };
  const save = api.admin.hostedFacilitator.save.useMutation({
    onSuccess: () => done(t("hosted.saved")),
    onError: (err) => {
      const fields = serverFieldErrors(err, text);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else toast.error(errorText(err));
    },
  });
  const reset = api.admin.hostedFacilitator.reset.useMutation({
    onSuccess: () => done(t("hosted.reset")),
    onError: (e) => toast.error(errorText(e)),
  });
  const field = (
    key: keyof typeof form,
    label: string,
    opts: { secret?: boolean; placeholder?: string } = {},
  ) => (
    <div className="grid gap-1.5">
      <Label htmlFor={`hosted-${key}`}>{label}</Label>
      <Input
        id={`hosted-${key}`}
        type={opts.secret ? "password" : "text"}
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        placeholder={opts.placeholder}
        value={form[key]}
        aria-invalid={Boolean(errors[key])}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
      {errors[key] && <p className="text-sm text-destructive">{errors[key]}</p>}
    </div>
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("hosted.title")}</CardTitle>
        <CardDescription>{t("hosted.description")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {view.data ? (
          <dl
            className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-1 text-sm"
            data-testid="hosted-facilitator-view"
          >
            <dt className="text-muted-foreground">{t("hosted.inForce")}</dt>
            <dd>{t(`hosted.source.${view.data.source}`)}</dd>
            <dt className="text-muted-foreground">{t("hosted.url")}</dt>
            <dd className="break-all font-mono text-xs">{view.data.url ?? "—"}</dd>
            <dt className="text-muted-foreground">{t("hosted.credentials")}</dt>
            <dd>
              {view.data.cdpApiKeyId
                ? `${t("hosted.cdpKey", { id: view.data.cdpApiKeyId })}${view.data.hasCdpApiKeySecret ? t("hosted.secretSet") : ""}`
                : view.data.hasBearerToken
                  ? t("hosted.bearerSet")
                  : t("hosted.none")}
              {view.data.updatedAt ? (
                <span className="text-muted-foreground">
                  {t("hosted.savedAt", { time: formatDateTime(view.data.updatedAt, { locale }) })}
                </span>
              ) : null}
            </dd>
          </dl>
        ) : (
          <Skeleton className="h-16" />
        )}
        <form
          method="post"
          aria-label={t("hosted.title")}
          className="grid gap-3 md:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault();
            const parsed = hostedFacilitatorSettingsInput.safeParse(form);
            if (!parsed.success)
              return setErrors(
                Object.fromEntries(
                  parsed.error.issues.map((i) => [String(i.path[0] ?? "url"), text(i.message)]),
                ),
              );
            save.mutate(form);
          }}
        >
          {field("url", t("hosted.url"), {
            placeholder: "https://api.cdp.coinbase.com/platform/v2/x402",
          })}
          {field("bearerToken", t("hosted.bearerToken"), { secret: true })}
          {field("cdpApiKeyId", t("hosted.cdpApiKeyId"))}
          {field("cdpApiKeySecret", t("hosted.cdpApiKeySecret"), { secret: true })}
          <div className="flex gap-2 md:col-span-2">
            <Button type="submit" disabled={!hydrated || save.isPending}>
              {t("hosted.save")}
            </Button>
            {view.data?.source === "settings" && (
              <Button
                type="button"
                variant="ghost"
                disabled={reset.isPending}
                onClick={() => reset.mutate()}
              >
                {t("hosted.useEnvironment")}
              </Button>
            )}
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
