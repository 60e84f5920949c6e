import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

// zod's built-in issues need no message here: they become validation messages with their
// parameters ("Use at least 10 characters"), server/i18n/validation-keys.ts.

export const emailSchema = z
  .email()
  .max(254)
  .transform((v) => v.toLowerCase());

export const passwordSchema = z.string().min(10).max(200);

export const signUpInput = z.object({
  name: z.string().trim().min(1, vmsg("users.enterName")).max(80),
  email: emailSchema,
  password: passwordSchema,
});
export type SignUpInput = z.infer<typeof signUpInput>;

export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, vmsg("users.enterPassword")).max(200),
});
export type SignInInput = z.infer<typeof signInInput>;

/** The error a throttled sign-in attempt reports (next-auth's `error`); the login page explains it. */
export const SIGN_IN_THROTTLED = "SignInThrottled";

/** The login page's `error` after a sign-up whose sign-in failed (a taken email, or throttled). */
export const SIGN_UP_SIGN_IN_FAILED = "SignUpSignInFailed";

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});
