import { z } from "zod";

import { emailSchema, passwordSchema } from "@/server/users/schemas";

// The admin console's inputs that its forms share with the procedures (STYLE 2.1 §4).

/** Grants the platform admin role to the account that already has this email. */
export const grantPlatformAdminInput = z.object({ email: emailSchema });

export const revokePlatformAdminInput = z.object({
  userId: z.string().min(1).max(64),
  /** also disable the account (no sign-in at all), not only take the admin role away */
  disableAccount: z.boolean().default(false),
});

export const bootstrapPlatformAdminInput = z.object({
  email: emailSchema,
  name: z.string().trim().min(1).max(80).default("Platform Admin"),
  /** needed only when no account has the email yet; the sign-up rules apply */
  password: passwordSchema.optional(),
});
