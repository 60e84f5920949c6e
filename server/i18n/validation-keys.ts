import type { z } from "zod";

import type enValidation from "./messages/en/validation.json";

// Validation messages people read, one mechanism for the browser and the server (issue 25).
//
// A schema's own message and zod's built-in issues both become a *validation message*: a stable
// string naming a key of the `validation` namespace and its ICU values, e.g.
// "validation.pricing.enterPrice" or "validation.issue.tooSmallString?minimum=10". The text is
// chosen where the reader's locale is known — the browser, through next-intl
// (app/_lib/validation-text.ts) — and the REST API and AppError messages render it in English.
//
// Why not zod's own locales (`z.config(z.locales.zhCN())`): z.config is process-global, so the
// server (serving both languages at once) could not use it, and field errors cross the wire as
// strings the browser could no longer translate. A locale-free string works the same whether
// zod ran in the browser or on the server, for built-in issues and our own messages alike, and
// its texts live in the message catalogues with the glossary's terms and the coverage test.

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** A key of the validation namespace, e.g. "issue.required" (a typo fails tsc). */
export type ValidationKey = Leaves<typeof enValidation>;
export type ValidationValues = Record<string, string | number>;

export const VALIDATION_PREFIX = "validation.";

/** The validation message for `key`: what a schema passes as its message, or fieldError takes. */
export function vmsg(key: ValidationKey, values?: ValidationValues): string {
  const query = values
    ? new URLSearchParams(Object.entries(values).map(([k, v]) => [k, String(v)])).toString()
    : "";
  return `${VALIDATION_PREFIX}${key}${query ? `?${query}` : ""}`;
}

/** The key and values of a validation message; null for any other text (shown as it is). */
export function parseValidationMessage(
  message: string,
): { key: string; values: ValidationValues } | null {
  if (!message.startsWith(VALIDATION_PREFIX)) return null;
  const [key = "", query = ""] = message.slice(VALIDATION_PREFIX.length).split(/\?(.*)/s);
  if (!/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(key)) return null;
  const values: ValidationValues = {};
  // numbers stay numbers, so ICU plurals and number formats work on them
  for (const [k, v] of new URLSearchParams(query))
    values[k] =
      /^-?\d+(\.\d+)?$/.test(v) && Number.isSafeInteger(Math.trunc(Number(v))) ? Number(v) : v;
  return { key, values };
}

type AnyIssue = z.core.$ZodRawIssue | z.core.$ZodIssue;

function sizeMessage(issue: AnyIssue & { code: "too_small" | "too_big" }): string {
  const small = issue.code === "too_small";
  const bound = String(small ? issue.minimum : issue.maximum);
  const values: ValidationValues = small ? { minimum: bound } : { maximum: bound };
  switch (issue.origin) {
    case "string":
      if (small && bound === "1") return vmsg("issue.required");
      return vmsg(small ? "issue.tooSmallString" : "issue.tooBigString", values);
    case "number":
    case "int":
    case "bigint":
      return vmsg(small ? "issue.tooSmallNumber" : "issue.tooBigNumber", {
        ...values,
        inclusive: String(issue.inclusive !== false),
      });
    case "array":
    case "set":
      return vmsg(small ? "issue.tooSmallArray" : "issue.tooBigArray", values);
    default:
      return vmsg(small ? "issue.tooSmall" : "issue.tooBig", values);
  }
}

function formatMessage(issue: AnyIssue & { code: "invalid_format" }): string {
  const extra = issue as { prefix?: string; suffix?: string; includes?: string };
  switch (issue.format) {
    case "email":
      return vmsg("issue.invalidEmail");
    case "url":
      return vmsg("issue.invalidUrl");
    case "starts_with":
      return vmsg("issue.invalidStartsWith", { prefix: extra.prefix ?? "" });
    case "ends_with":
      return vmsg("issue.invalidEndsWith", { suffix: extra.suffix ?? "" });
    case "includes":
      return vmsg("issue.invalidIncludes", { includes: extra.includes ?? "" });
    default:
      return vmsg("issue.invalidFormat");
  }
}

/**
 * The validation message of a zod issue: its own message when a schema gave one as a key (or as
 * other text, shown as it is), else the message of its code and parameters. As `z.config`'s
 * `customError` it sees raw issues (with `input`, so a missing value reads "Required"); as
 * `z.flattenError`'s mapper it sees finished ones.
 */
export function issueMessage(issue: AnyIssue): string {
  const own = issue.message;
  if (own && (own.startsWith(VALIDATION_PREFIX) || issue.code === "custom")) return own;
  switch (issue.code) {
    case "invalid_type":
      return "input" in issue && issue.input === undefined
        ? vmsg("issue.required")
        : vmsg("issue.invalidType", { expected: issue.expected });
    case "too_small":
    case "too_big":
      return sizeMessage(issue);
    case "invalid_format":
      return formatMessage(issue);
    case "not_multiple_of":
      return vmsg("issue.notMultipleOf", { divisor: String(issue.divisor) });
    case "unrecognized_keys":
      return vmsg("issue.unrecognizedKeys", { keys: issue.keys.join(", ") });
    case "invalid_value":
      return vmsg("issue.invalidValue");
    default:
      return vmsg("issue.invalid");
  }
}

/** Field → validation messages of a failed parse, keyed by the first path segment ("form" for the root). */
export function fieldMessages(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues)
    (out[String(issue.path[0] ?? "form")] ??= []).push(issueMessage(issue));
  return out;
}
