import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

type ServerErrorShape = {
  data?: { zodError?: Record<string, string[] | undefined> | null } | null;
  message?: string;
};

/**
 * The server's field errors as field → first message in the page's language, for forms kept in
 * plain state: `serverFieldErrors(err, useValidationText())`.
 */
export function serverFieldErrors(
  err: unknown,
  text: (message: string) => string,
): Record<string, string> {
  const fieldErrors = (err as ServerErrorShape | null)?.data?.zodError ?? {};
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(fieldErrors))
    if (messages?.[0] !== undefined) out[field] = text(messages[0]);
  return out;
}

/**
 * Puts the server's field errors (tRPC `data.zodError`, which our error formatter fills from zod
 * and from AppError details, as validation messages) next to the form's fields; <FormMessage>
 * translates them. Returns whether any field got an error.
 */
export function applyServerFieldErrors<
  T extends FieldValues,
  C = unknown,
  Out extends FieldValues = T,
>(form: UseFormReturn<T, C, Out>, err: unknown): boolean {
  const fieldErrors = (err as ServerErrorShape | null)?.data?.zodError;
  if (!fieldErrors) return false;
  let applied = false;
  for (const [field, messages] of Object.entries(fieldErrors)) {
    const message = messages?.[0];
    if (!message) continue;
    form.setError(field as Path<T>, { type: "server", message });
    applied = true;
  }
  return applied;
}
