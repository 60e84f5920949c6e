"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { toast } from "sonner";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { RATE_LIMIT_KEYS, rateLimitsSchema, type RateLimits } from "@/server/platform/schemas";

/** The platform's ceiling on every merchant's gateway rate limits (requests per minute). */
export function RateLimitCaps() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const caps = api.admin.settings.rateLimitCaps.useQuery();
  const [draft, setDraft] = useState<Record<keyof RateLimits, string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (caps.data)
      setDraft(
        Object.fromEntries(RATE_LIMIT_KEYS.map((k) => [k, String(caps.data[k])])) as Record<
          keyof RateLimits,
          string
        >,
      );
  }, [caps.data]);
  const save = api.admin.settings.setRateLimitCaps.useMutation({
    onSuccess: async () => {
      toast.success(t("rateLimits.saved"));
      await utils.admin.settings.rateLimitCaps.invalidate();
    },
    onError: (e) => toast.error(errorText(e)),
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("rateLimits.title")}</CardTitle>
      </CardHeader>
      <CardContent>
        {draft && (
          <form
            className="grid gap-3 sm:grid-cols-[repeat(4,1fr)_auto] sm:items-end"
            onSubmit={(e) => {
              e.preventDefault();
              const parsed = rateLimitsSchema.safeParse(
                Object.fromEntries(RATE_LIMIT_KEYS.map((k) => [k, Number(draft[k])])),
              );
              if (!parsed.success) return setError(t("rateLimits.invalid"));
              setError(null);
              save.mutate(parsed.data);
            }}
          >
            {RATE_LIMIT_KEYS.map((k) => (
              <div key={k} className="grid gap-1.5">
                <Label htmlFor={`cap-${k}`}>{t(`rateLimits.${k}`)}</Label>
                <Input
                  id={`cap-${k}`}
                  type="number"
                  min={1}
                  value={draft[k]}
                  onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
                />
              </div>
            ))}
            <Button type="submit" disabled={save.isPending}>
              {t("rateLimits.save")}
            </Button>
          </form>
        )}
        {error && (
          <p role="alert" className="mt-2 text-sm text-destructive">
            {error}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
