import { createTranslator } from "next-intl";

// with the JSON attribute: Playwright loads these modules as native ESM (e2e specs import server code)
import enValidation from "./messages/en/validation.json" with { type: "json" };
import zhValidation from "./messages/zh-CN/validation.json" with { type: "json" };
import type { Locale } from "./locales";
import { parseValidationMessage, type ValidationValues } from "./validation-keys";

/** The slice of a next-intl translator of the `validation` namespace this needs. */
export type ValidationTranslator = {
  (key: string, values?: ValidationValues): string;
  has: (key: string) => boolean;
};

/** The text of a validation message (validation-keys.ts) in the translator's locale; other text unchanged. */
export function validationText(message: string, t: ValidationTranslator): string {
  const parsed = parseValidationMessage(message);
  if (!parsed || !t.has(parsed.key)) return message;
  return t(parsed.key, parsed.values);
}

// Only the validation namespace: fieldError (server/errors.ts) renders English with it, and the
// browser bundles what errors.ts imports.
const CATALOGUES = { en: enValidation, "zh-CN": zhValidation } satisfies Record<Locale, unknown>;
const translators = new Map<Locale, ValidationTranslator>();

function translatorOf(locale: Locale): ValidationTranslator {
  let t = translators.get(locale);
  if (!t) {
    t = createTranslator({
      locale,
      messages: { validation: CATALOGUES[locale] },
      namespace: "validation",
    }) as unknown as ValidationTranslator;
    translators.set(locale, t);
  }
  return t;
}

/** A validation message in `locale` outside React: English for AppError messages and the REST API. */
export function validationTextIn(locale: Locale, message: string): string {
  return validationText(message, translatorOf(locale));
}
