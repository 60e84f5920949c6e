"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import { Button } from "@/app/_components/ui/button";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { THRESHOLD_FIELDS, type PlatformAlertThresholds } from "@/server/alerts/schemas";

type Values = Partial<Record<keyof PlatformAlertThresholds, number>>;

/**
 * The alert thresholds as a form. `inherited` are the values that apply when a field is left empty
 * (shown as placeholders); an emptied field is submitted as null, handing it back to them.
 */
export function ThresholdsForm({
  values,
  inherited,
  platform,
  isSaving,
  errors,
  onSave,
}: {
  values: Values;
  inherited?: Values;
  platform: boolean;
  isSaving: boolean;
  errors: Record<string, string>;
  onSave: (changes: Partial<Record<keyof PlatformAlertThresholds, number | null>>) => void;
}) {
  const t = useTranslations("common");
  const fields = THRESHOLD_FIELDS.filter((f) => platform || !f.platformOnly);
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.key, values[f.key]?.toString() ?? ""])),
  );
  return (
    <form
      method="post"
      className="grid gap-4 sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(
          Object.fromEntries(
            fields.map((f) => [f.key, draft[f.key]?.trim() ? Number(draft[f.key]) : null]),
          ),
        );
      }}
    >
      {fields.map((f) => (
        <div key={f.key} className="grid gap-1.5">
          <Label htmlFor={`threshold-${f.key}`}>{f.label}</Label>
          <Input
            id={`threshold-${f.key}`}
            inputMode="decimal"
            value={draft[f.key] ?? ""}
            placeholder={inherited?.[f.key]?.toString()}
            onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
            aria-invalid={Boolean(errors[f.key])}
          />
          <p className="text-xs text-muted-foreground">{errors[f.key] ?? f.hint}</p>
        </div>
      ))}
      <div className="sm:col-span-2">
        <Button type="submit" disabled={isSaving}>
          {isSaving ? t("thresholds.saving") : t("thresholds.save")}
        </Button>
      </div>
    </form>
  );
}
