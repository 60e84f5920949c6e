import { useTranslations } from "next-intl";

import { validationText, type ValidationTranslator } from "@/server/i18n/validation-text";

/**
 * `const text = useValidationText(); text(message)`: a validation message (a schema's, zod's or a
 * server field error, server/i18n/validation-keys.ts) in the page's language; other text unchanged.
 */
export function useValidationText(): (message: string) => string {
  const t = useTranslations("validation");
  // keys come from the message at run time; validationText checks `t.has` before translating
  const translate = t as unknown as ValidationTranslator;
  return (message) => validationText(message, translate);
}
