"use client";

import { useTranslations } from "next-intl";

import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { httpMethodSchema } from "@/server/pricing/schemas";

/** The methods a request can have (a rule may also say ANY). */
export const REQUEST_METHODS = httpMethodSchema.exclude(["ANY"]).options;
export type RequestMethod = (typeof REQUEST_METHODS)[number];

/** A labelled method picker for the console's "try a request" forms. */
export function MethodSelect({
  id,
  value,
  onChange,
  ariaLabel,
}: {
  id: string;
  value: RequestMethod;
  onChange: (method: RequestMethod) => void;
  ariaLabel: string;
}) {
  const t = useTranslations("console");
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{t("pricing.method")}</Label>
      <Select value={value} onValueChange={(v) => onChange(v as RequestMethod)}>
        <SelectTrigger id={id} className="w-28" aria-label={ariaLabel}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {REQUEST_METHODS.map((m) => (
            <SelectItem key={m} value={m}>
              {m}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
