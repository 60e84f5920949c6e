import { useLocale, useTranslations } from "next-intl";

import { ERROR_STATUS, type ErrorCode } from "@/server/errors";

type ErrorShape = { message?: unknown; data?: { appCode?: unknown; requestId?: unknown } | null };
export type Translate = (key: string, values?: Record<string, string>) => string;

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_STATUS, value);
}

/**
 * The text a person sees for a failed tRPC call. Server messages are written in English and are
 * the most specific, so English shows them; other locales show the message of the error's code
 * (errors.codes.<code>). `internal` errors carry the request id so support can find the log line.
 */
export function errorTextFor(err: unknown, opts: { locale: string; t: Translate }): string {
  const shape = (err ?? {}) as ErrorShape;
  const code = shape.data?.appCode;
  const serverMessage =
    typeof shape.message === "string" && shape.message !== "" ? shape.message : null;
  let message: string;
  if (!shape.data) message = opts.t("network");
  else if (!isErrorCode(code))
    message = opts.locale === "en" && serverMessage ? serverMessage : opts.t("generic");
  else
    message =
      opts.locale === "en" && serverMessage && code !== "internal"
        ? serverMessage
        : opts.t(`codes.${code}`);
  const requestId = shape.data?.requestId;
  return code === "internal" && typeof requestId === "string"
    ? opts.t("withRequestId", { message, requestId })
    : message;
}

/** `const errorText = useErrorText(); toast.error(errorText(err))` wherever the UI shows a tRPC error. */
export function useErrorText(): (err: unknown) => string {
  const t = useTranslations("errors");
  const locale = useLocale();
  // keys are built from the code at run time; the i18n coverage test checks every code has one
  const translate = t as unknown as Translate;
  return (err) => errorTextFor(err, { locale, t: translate });
}
