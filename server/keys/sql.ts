import type { PGlite } from "@electric-sql/pglite";

import { createPgPool, openPglite } from "@/server/db/adapter";
import type { PrismaClient } from "@/server/db/client";
import type { DatabaseConfig } from "@/server/db/config";

// The two statements the sealing passes need (parameterised SQL, rows or a count), over the app's
// Prisma client or straight over the driver. `npm run db:migrate` uses the driver: it runs where
// the generated Prisma client may not exist yet (the migrate image, Vercel's step before the build).

export type SqlClient = {
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  execute(sql: string, params: unknown[]): Promise<number>;
};

export function prismaSql(db: PrismaClient): SqlClient {
  return {
    query: <T>(sql: string, params: unknown[]) => db.$queryRawUnsafe<T[]>(sql, ...params),
    execute: (sql, params) => db.$executeRawUnsafe(sql, ...params),
  };
}

export function pgliteSql(pglite: PGlite): SqlClient {
  return {
    query: async <T>(sql: string, params: unknown[]) => (await pglite.query<T>(sql, params)).rows,
    execute: async (sql, params) => (await pglite.query(sql, params)).affectedRows ?? 0,
  };
}

/** A SQL client on the configured database without the Prisma client; `close()` releases it. */
export function openSql(config: DatabaseConfig): { sql: SqlClient; close(): Promise<void> } {
  if (config.kind === "pglite") {
    const pglite = openPglite(config.dataDir);
    return { sql: pgliteSql(pglite), close: () => pglite.close() };
  }
  const pool = createPgPool(config.url, { maxConnections: 2 });
  return {
    sql: {
      query: async <T>(sql: string, params: unknown[]) =>
        (await pool.query(sql, params)).rows as T[],
      execute: async (sql, params) => (await pool.query(sql, params)).rowCount ?? 0,
    },
    close: () => pool.end(),
  };
}
