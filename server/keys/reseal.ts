import {
  keyRingOf,
  lookupHash,
  openSecret,
  sealSecret,
  type EncryptionKeys,
  type KeyRing,
} from "@/server/crypto/secrets";

import { ident, SEALED_COLUMNS, type SealedColumn } from "./sealed-columns";
import type { SqlClient } from "./sql";

// The two passes over every sealed column (sealed-columns.ts), both in keyset-ordered batches with
// conditional updates, so they are idempotent, resumable after a crash at any point, and safe next
// to a running app (a row the app rewrote meanwhile no longer matches the update's condition and is
// left as the app wrote it):
// - sealLegacyValues seals the clear values rows kept from before sealing (`npm run db:migrate` runs
//   it right after the migrations, since SQL cannot seal: the key lives in the environment);
// - rotateColumn re-seals every value not under the current ENCRYPTION_KEY and recomputes its
//   keyed hash (`npm run keys:rotate`, server/keys/rotate-keys.ts, after sealing any legacy value).
// Plain SQL (sql.ts), no Prisma client: db:migrate may run before the client is generated.

export const DEFAULT_BATCH_SIZE = 500;

export type ColumnReport = {
  table: string;
  label: string;
  /** clear legacy values sealed */
  legacySealed: number;
  /** values re-sealed under the current key */
  rotated: number;
  /** values under the current key after the run */
  current: number;
  /** values that could not be opened or written (the run goes on; a later run retries them) */
  failed: number;
  firstError: string | null;
};

export type ResealOptions = {
  batchSize?: number;
  onBatch?: (column: SealedColumn, report: ColumnReport) => void;
};
type Update = { id: string; ciphertext: string; keyId: string; hash: string | null; guard: string };

export function emptyReport(column: SealedColumn): ColumnReport {
  return {
    table: column.table,
    label: column.label,
    legacySealed: 0,
    rotated: 0,
    current: 0,
    failed: 0,
    firstError: null,
  };
}

function fail(report: ColumnReport, err: unknown): void {
  report.failed += 1;
  report.firstError ??= err instanceof Error ? err.message : String(err);
}

// One statement per batch: a VALUES list joined on the id, guarded so a row changed since it was
// read is skipped. A batch that fails as a whole (e.g. a unique hash) is retried row by row so one
// bad row does not hold up the others.
async function applyUpdates(
  sql: SqlClient,
  column: SealedColumn,
  kind: "legacy" | "rotate",
  updates: Update[],
  report: ColumnReport,
): Promise<number> {
  if (updates.length === 0) return 0;
  const t = ident(column.table);
  const sets = [`${ident(column.ciphertext)} = v.ct`, `${ident(column.keyId)} = v.kid`];
  if (column.hash) sets.push(`${ident(column.hash)} = v.h`);
  if (column.legacy) sets.push(`${ident(column.legacy)} = NULL`);
  const guard =
    kind === "legacy" && column.legacy
      ? `t.${ident(column.legacy)} = v.g`
      : `t.${ident(column.ciphertext)} = v.g`;
  const run = async (rows: Update[]) => {
    const params: (string | null)[] = [];
    const tuples = rows.map((u) => {
      params.push(u.id, u.ciphertext, u.keyId, u.hash, u.guard);
      const n = params.length;
      return `($${n - 4}::text, $${n - 3}::text, $${n - 2}::text, $${n - 1}::text, $${n}::text)`;
    });
    return sql.execute(
      `UPDATE ${t} AS t SET ${sets.join(", ")} FROM (VALUES ${tuples.join(", ")}) AS v(id, ct, kid, h, g) WHERE t."id" = v.id AND ${guard}`,
      params,
    );
  };
  try {
    return await run(updates);
  } catch {
    let done = 0;
    for (const update of updates) {
      try {
        done += await run([update]);
      } catch (err) {
        fail(report, err);
      }
    }
    return done;
  }
}

export async function sealLegacyColumn(
  sql: SqlClient,
  ring: KeyRing,
  column: SealedColumn,
  report: ColumnReport,
  opts: ResealOptions,
): Promise<void> {
  if (!column.legacy) return;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  let after = "";
  for (;;) {
    const rows = await sql.query<{ id: string; value: string }>(
      `SELECT "id", ${ident(column.legacy)} AS value FROM ${ident(column.table)} WHERE ${ident(column.legacy)} IS NOT NULL AND "id" > $1 ORDER BY "id" LIMIT $2`,
      [after, batchSize],
    );
    if (rows.length === 0) return;
    after = rows.at(-1)?.id ?? after;
    const updates = rows.map((row) => {
      const plain = column.normalize ? column.normalize(row.value) : row.value;
      const sealed = sealSecret(plain, ring);
      return {
        id: row.id,
        ciphertext: sealed.ciphertext,
        keyId: sealed.keyId,
        hash: column.hash ? lookupHash(plain, ring) : null,
        guard: row.value,
      };
    });
    report.legacySealed += await applyUpdates(sql, column, "legacy", updates, report);
    opts.onBatch?.(column, report);
  }
}

export async function rotateColumn(
  sql: SqlClient,
  ring: KeyRing,
  column: SealedColumn,
  report: ColumnReport,
  opts: ResealOptions,
): Promise<void> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const t = ident(column.table);
  const ct = ident(column.ciphertext);
  const kid = ident(column.keyId);
  let after = "";
  for (;;) {
    const rows = await sql.query<{ id: string; ciphertext: string; keyId: string }>(
      `SELECT "id", ${ct} AS ciphertext, ${kid} AS "keyId" FROM ${t} WHERE ${ct} IS NOT NULL AND ${kid} IS NOT NULL AND ${kid} <> $1 AND "id" > $2 ORDER BY "id" LIMIT $3`,
      [ring.current.id, after, batchSize],
    );
    if (rows.length === 0) return;
    after = rows.at(-1)?.id ?? after;
    const updates: Update[] = [];
    for (const row of rows) {
      try {
        const plain = openSecret({ ciphertext: row.ciphertext, keyId: row.keyId }, ring);
        const sealed = sealSecret(plain, ring);
        updates.push({
          id: row.id,
          ciphertext: sealed.ciphertext,
          keyId: sealed.keyId,
          hash: column.hash ? lookupHash(plain, ring) : null,
          guard: row.ciphertext,
        });
      } catch (err) {
        fail(report, err);
      }
    }
    report.rotated += await applyUpdates(sql, column, "rotate", updates, report);
    opts.onBatch?.(column, report);
  }
}

export async function countCurrent(
  sql: SqlClient,
  ring: KeyRing,
  column: SealedColumn,
): Promise<number> {
  const [row] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${ident(column.table)} WHERE ${ident(column.keyId)} = $1`,
    [ring.current.id],
  );
  return row?.n ?? 0;
}

/** Seals every clear value kept from before sealing (run by `npm run db:migrate` after migrating). */
export async function sealLegacyValues(
  deps: { sql: SqlClient; env: EncryptionKeys },
  opts: ResealOptions = {},
): Promise<ColumnReport[]> {
  const ring = keyRingOf(deps.env);
  const reports: ColumnReport[] = [];
  for (const column of SEALED_COLUMNS) {
    if (!column.legacy) continue;
    const report = emptyReport(column);
    await sealLegacyColumn(deps.sql, ring, column, report, opts);
    reports.push(report);
  }
  return reports;
}
