import { recordAudit } from "@/server/audit/record-audit";
import { currentKeyId, keyRingOf, type EncryptionKeys } from "@/server/crypto/secrets";
import type { PrismaClient } from "@/server/db";

import {
  countCurrent,
  emptyReport,
  rotateColumn,
  sealLegacyColumn,
  type ColumnReport,
  type ResealOptions,
} from "./reseal";
import { SEALED_COLUMNS } from "./sealed-columns";
import { prismaSql } from "./sql";

export { DEFAULT_BATCH_SIZE, sealLegacyValues, type ColumnReport } from "./reseal";

/**
 * `npm run keys:rotate`: re-seals every sealed value under the current ENCRYPTION_KEY (opening each
 * with the key its id names, from ENCRYPTION_KEYS_PREVIOUS) and recomputes its keyed hash; seals
 * legacy clear values first. Batched, idempotent and resumable (server/keys/reseal.ts); a second
 * run finds nothing to do. A run that changed anything is recorded in the audit log with its counts.
 */
export async function rotateEncryptionKeys(
  deps: { db: PrismaClient; env: EncryptionKeys },
  opts: ResealOptions = {},
): Promise<ColumnReport[]> {
  const ring = keyRingOf(deps.env);
  const sql = prismaSql(deps.db);
  const reports: ColumnReport[] = [];
  for (const column of SEALED_COLUMNS) {
    const report = emptyReport(column);
    await sealLegacyColumn(sql, ring, column, report, opts);
    await rotateColumn(sql, ring, column, report, opts);
    report.current = await countCurrent(sql, ring, column);
    reports.push(report);
  }
  const changed = reports.reduce((n, r) => n + r.rotated + r.legacySealed, 0);
  if (changed > 0) {
    await recordAudit(deps.db, {
      actor: { role: "SYSTEM" },
      action: "encryption_keys.rotate",
      targetType: "encryption_key",
      targetId: currentKeyId(ring),
      after: Object.fromEntries(
        reports.map((r) => [
          `${r.table}.${r.label}`,
          { rotated: r.rotated, legacySealed: r.legacySealed, failed: r.failed },
        ]),
      ),
    });
  }
  return reports;
}
