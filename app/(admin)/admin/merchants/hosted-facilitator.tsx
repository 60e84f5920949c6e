"use client";

import { useState } from "react";
import { toast } from "sonner";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { api } from "@/app/_lib/trpc/react";
import { useHydrated } from "@/app/_lib/use-hydrated";
import { formatDateTime } from "@/app/_lib/utils";
import { hostedFacilitatorSettingsInput } from "@/server/facilitator/hosted/schemas";

const SOURCE_TEXT = { settings: "saved here", environment: "from the environment (HOSTED_FACILITATOR_*)", none: "not configured" } as const;

/** The platform's hosted facilitator: URL and credentials, stored sealed; secrets are entered, never shown. */
export function HostedFacilitatorSettings() {
  const utils = api.useUtils();
  const hydrated = useHydrated();
  const view = api.admin.hostedFacilitator.get.useQuery();
  const [form, setForm] = useState({ url: "", cdpApiKeyId: "", cdpApiKeySecret: "", bearerToken: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const done = async (message: string) => {
    setForm({ url: "", cdpApiKeyId: "", cdpApiKeySecret: "", bearerToken: "" });
    setErrors({});
    await utils.admin.hostedFacilitator.get.invalidate();
    toast.success(message);
  };
  const save = api.admin.hostedFacilitator.save.useMutation({
    onSuccess: () => done("Hosted facilitator saved; gateways use it within seconds"),
    onError: (err) => {
      const fields = err.data?.zodError;
      if (fields) setErrors(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v?.[0] ?? ""])));
      else toast.error(err.message);
    },
  });
  const reset = api.admin.hostedFacilitator.reset.useMutation({ onSuccess: () => done("Stored settings removed; the environment's apply"), onError: (e) => toast.error(e.message) });
  const field = (key: keyof typeof form, label: string, opts: { secret?: boolean; placeholder?: string } = {}) => (
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
        <CardTitle>Hosted facilitator</CardTitle>
        <CardDescription>
          The facilitator merchants set to &quot;hosted&quot; verify and settle through (e.g. Coinbase&apos;s, with CDP API keys, or another deployment&apos;s facilitator API, with a bearer
          token). Stored encrypted; saving replaces every field, and secrets are never shown again.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {view.data ? (
          <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-1 text-sm" data-testid="hosted-facilitator-view">
            <dt className="text-muted-foreground">In force</dt>
            <dd>{SOURCE_TEXT[view.data.source]}</dd>
            <dt className="text-muted-foreground">URL</dt>
            <dd className="break-all font-mono text-xs">{view.data.url ?? "—"}</dd>
            <dt className="text-muted-foreground">Credentials</dt>
            <dd>
              {view.data.cdpApiKeyId ? `CDP key ${view.data.cdpApiKeyId}${view.data.hasCdpApiKeySecret ? " (secret set)" : ""}` : view.data.hasBearerToken ? "bearer token set" : "none"}
              {view.data.updatedAt ? <span className="text-muted-foreground"> · saved {formatDateTime(view.data.updatedAt)}</span> : null}
            </dd>
          </dl>
        ) : (
          <Skeleton className="h-16" />
        )}
        <form
          method="post"
          aria-label="Hosted facilitator"
          className="grid gap-3 md:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault();
            const parsed = hostedFacilitatorSettingsInput.safeParse(form);
            if (!parsed.success) return setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "url"), i.message])));
            save.mutate(form);
          }}
        >
          {field("url", "URL", { placeholder: "https://api.cdp.coinbase.com/platform/v2/x402" })}
          {field("bearerToken", "Bearer token (optional)", { secret: true })}
          {field("cdpApiKeyId", "CDP API key id (optional)")}
          {field("cdpApiKeySecret", "CDP API key secret", { secret: true })}
          <div className="flex gap-2 md:col-span-2">
            <Button type="submit" disabled={!hydrated || save.isPending}>
              Save hosted facilitator
            </Button>
            {view.data?.source === "settings" && (
              <Button type="button" variant="ghost" disabled={reset.isPending} onClick={() => reset.mutate()}>
                Use the environment&apos;s instead
              </Button>
            )}
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
