import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

// The risk actions' inputs (admin risk page, console alerts page): one schema per boundary, reused
// by the forms. Values are checked and normalised by server/risk/block-values.ts.

export const RISK_BLOCK_KINDS = ["PAYER", "CLIENT_IP"] as const;
export type RiskBlockKind = (typeof RISK_BLOCK_KINDS)[number];

export const createBlockInput = z.object({
  kind: z.enum(RISK_BLOCK_KINDS),
  /** a 0x payer address (any case), or a client IP / CIDR range */
  value: z.string().trim().min(1, vmsg("risk.enterBlockValue")).max(64),
  reason: z.string().trim().min(3, vmsg("common.sayWhy")).max(500),
  /** when the block lapses by itself; null or absent: until unblocked */
  expiresAt: z.date().nullable().optional(),
});
export type CreateBlockInput = z.infer<typeof createBlockInput>;

export const blockIdInput = z.object({ blockId: z.string().min(1).max(64) });

export const listBlocksInput = z.object({
  /** active: in force now; all: lifted and lapsed ones too */
  scope: z.enum(["active", "all"]).default("active"),
  limit: z.number().int().min(1).max(500).default(200),
});

export const riskBlockDtoSchema = z.object({
  id: z.string(),
  kind: z.enum(RISK_BLOCK_KINDS),
  value: z.string(),
  reason: z.string(),
  expiresAt: z.date().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  revokedAt: z.date().nullable(),
  revokedBy: z.string().nullable(),
  /** in force at the time of the read (not lifted, not lapsed) */
  active: z.boolean(),
});
export type RiskBlockDto = z.infer<typeof riskBlockDtoSchema>;
