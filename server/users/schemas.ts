import { z } from "zod";

export const emailSchema = z
  .email("Enter a valid email address")
  .max(254)
  .transform((v) => v.toLowerCase());

export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(200, "Use at most 200 characters");

export const signUpInput = z.object({
  name: z.string().trim().min(1, "Enter your name").max(80),
  email: emailSchema,
  password: passwordSchema,
});
export type SignUpInput = z.infer<typeof signUpInput>;

export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password").max(200),
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
