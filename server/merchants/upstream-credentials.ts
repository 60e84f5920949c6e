import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import { openSecret, sealSecret, type EncryptionKeys } from "@/server/crypto/secrets";
import type { PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";

import {
  upstreamCredentialInput,
  type UpstreamCredentialDto,
  type UpstreamCredentialInput,
} from "./schemas";
import { vmsg } from "@/server/i18n/validation-keys";

// Credentials of the merchant's upstream (e.g. its own API key) that the gateway adds to upstream
// requests. Write-only: the value is sealed (server/crypto/secrets.ts), only its masked form is ever read
// back, and audit rows record the name and location, never the value.

export type InjectedCredential = {
  ruleId: string | null;
  location: "HEADER" | "QUERY";
  name: string;
  value: string;
};

/** "••••" plus the last 4 characters when the value is long enough that 4 of them reveal little. */
export function maskSecret(value: string): string {
  return value.length >= 16 ? `••••${value.slice(-4)}` : "••••";
}

const dtoSelect = {
  id: true,
  location: true,
  name: true,
  maskedValue: true,
  ruleId: true,
  updatedAt: true,
  rule: { select: { pathPattern: true } },
} as const;

function toDto(row: {
  id: string;
  location: "HEADER" | "QUERY";
  name: string;
  maskedValue: string;
  ruleId: string | null;
  updatedAt: Date;
  rule: { pathPattern: string } | null;
}): UpstreamCredentialDto {
  return {
    id: row.id,
    location: row.location,
    name: row.name,
    maskedValue: row.maskedValue,
    ruleId: row.ruleId,
    rulePattern: row.rule?.pathPattern ?? null,
    updatedAt: row.updatedAt,
  };
}

export async function listUpstreamCredentials(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string },
): Promise<UpstreamCredentialDto[]> {
  const rows = await deps.db.upstreamCredential.findMany({
    where: { merchantId: opts.merchantId },
    orderBy: [{ createdAt: "asc" }],
    select: dtoSelect,
  });
  return rows.map(toDto);
}

/** Adds a credential, or replaces the value of the one with the same location, name and rule. */
export async function setUpstreamCredential(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string; actor: AuditActor; input: UpstreamCredentialInput },
): Promise<UpstreamCredentialDto> {
  const input = upstreamCredentialInput.parse(opts.input);
  // header names are case-insensitive: store them lower-case so a replacement finds its row
  const name = input.location === "HEADER" ? input.name.toLowerCase() : input.name;
  const ruleId = input.ruleId ?? null;
  const sealed = sealSecret(input.value, deps.env);
  const values = {
    valueCiphertext: sealed.ciphertext,
    valueKeyId: sealed.keyId,
    maskedValue: maskSecret(input.value),
  };
  const saved = await deps.db.$transaction(async (tx) => {
    if (ruleId) {
      const rule = await tx.pricingRule.findFirst({
        where: { id: ruleId, merchantId: opts.merchantId },
        select: { id: true },
      });
      if (!rule)
        throw new AppError("invalid_request", "No such pricing rule", {
          details: { fieldErrors: { ruleId: [vmsg("merchants.noSuchRule")] } },
        });
    }
    const existing = await tx.upstreamCredential.findFirst({
      where: { merchantId: opts.merchantId, ruleId, location: input.location, name },
      select: { id: true },
    });
    const row = existing
      ? await tx.upstreamCredential.update({
          where: { id: existing.id },
          data: values,
          select: dtoSelect,
        })
      : await tx.upstreamCredential.create({
          data: {
            id: createId("upstreamCredential"),
            merchantId: opts.merchantId,
            ruleId,
            location: input.location,
            name,
            ...values,
          },
          select: dtoSelect,
        });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: existing ? "upstream_credential.update" : "upstream_credential.create",
      targetType: "upstream_credential",
      targetId: row.id,
      after: { location: row.location, name: row.name, ruleId: row.ruleId },
    });
    return row;
  });
  publishMerchantConfigChanged(opts.merchantId);
  return toDto(saved);
}

export async function deleteUpstreamCredential(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string; credentialId: string; actor: AuditActor },
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const deleted = await tx.upstreamCredential.deleteMany({
      where: { id: opts.credentialId, merchantId: opts.merchantId },
    });
    if (deleted.count === 0) throw new AppError("not_found", "No such credential");
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "upstream_credential.delete",
      targetType: "upstream_credential",
      targetId: opts.credentialId,
    });
  });
  publishMerchantConfigChanged(opts.merchantId);
}

/** Every credential of the merchant, decrypted, for the gateway's merchant snapshot. */
export async function loadInjectedCredentials(
  db: PrismaClient,
  keys: EncryptionKeys,
  merchantId: string,
): Promise<InjectedCredential[]> {
  const rows = await db.upstreamCredential.findMany({
    where: { merchantId },
    select: { ruleId: true, location: true, name: true, valueCiphertext: true, valueKeyId: true },
  });
  return rows.map((r) => ({
    ruleId: r.ruleId,
    location: r.location,
    name: r.name,
    value: openSecret({ ciphertext: r.valueCiphertext, keyId: r.valueKeyId }, keys),
  }));
}
