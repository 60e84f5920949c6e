import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

type ServerErrorShape = {
  data?: { zodError?: Record<string, string[] | undefined> | null } | null;
  message?: string;
};

/**
 * Puts the server's field errors (tRPC `data.zodError`, which our error formatter fills from zod
 * and from AppError details) next to the form's fields. Returns whether any field got an error.
 */
/** The server's field errors as field → first message, for forms kept in plain state. */
export function serverFieldErrors(err: unknown): Record<string, string | undefined> {
  const fieldErrors = (err as ServerErrorShape | null)?.data?.zodError ?? {};
  return Object.fromEntries(
    Object.entries(fieldErrors).map(([field, messages]) => [field, messages?.[0]]),
  );
}

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
