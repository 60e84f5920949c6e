import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

// The platform's hosted facilitator credentials as the admin console enters them (zod only: the
// form imports it). Saving replaces all of them; secrets are never read back, only whether set.

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

export const hostedFacilitatorSettingsInput = z
  .object({
    url: z.url(vmsg("admin.facilitatorUrl")).max(500),
    cdpApiKeyId: optionalText(200),
    cdpApiKeySecret: optionalText(4000),
    bearerToken: optionalText(4000),
  })
  .superRefine((value, ctx) => {
    if (Boolean(value.cdpApiKeyId) !== Boolean(value.cdpApiKeySecret)) {
      ctx.addIssue({
        code: "custom",
        path: [value.cdpApiKeyId ? "cdpApiKeySecret" : "cdpApiKeyId"],
        message: vmsg("admin.cdpKeyPair"),
      });
    }
  });
export type HostedFacilitatorSettingsInput = z.input<typeof hostedFacilitatorSettingsInput>;

export const hostedFacilitatorViewSchema = z.object({
  /** settings: stored in the admin console; environment: HOSTED_FACILITATOR_* defaults; none: not configured */
  source: z.enum(["settings", "environment", "none"]),
  url: z.string().nullable(),
  cdpApiKeyId: z.string().nullable(),
  hasCdpApiKeySecret: z.boolean(),
  hasBearerToken: z.boolean(),
  updatedAt: z.date().nullable(),
});
export type HostedFacilitatorView = z.infer<typeof hostedFacilitatorViewSchema>;

export const facilitatorKindSchema = z.enum(["LOCAL", "HOSTED"]);
