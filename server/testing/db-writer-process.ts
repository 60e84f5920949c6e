// A process that writes to the configured database, for the embedded database's durability and
// locking tests (server/db/data-dir-lock.int.test.ts). It opens the database through the project's
// own client, inserts one audit row of MERCHANT_ID per transaction and prints `committed <id>` once
// each insert has returned, so the test knows exactly which rows the database has acknowledged.
// With WRITE_COUNT it stops after that many rows, prints `holding`, and keeps the database open
// until a signal arrives (SIGINT / SIGTERM close it, through the runner of the CLI commands).
import "dotenv/config";

import { runCommand } from "@/server/cli/run-command";
import { createPrismaClient } from "@/server/db/client";
import { parseDatabaseUrl } from "@/server/db/config";
import { createId } from "@/server/db/ids";
import { parseServerEnv } from "@/server/env";

async function main(): Promise<number> {
  const env = parseServerEnv(process.env);
  const merchantId = process.env.MERCHANT_ID ?? "";
  const limit = process.env.WRITE_COUNT
    ? Number(process.env.WRITE_COUNT)
    : Number.POSITIVE_INFINITY;
  const { db } = createPrismaClient(parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR));
  process.stdout.write(`opened ${process.pid}\n`);
  for (let i = 0; i < limit; i++) {
    const id = createId("audit");
    await db.auditLog.create({
      data: {
        id,
        merchantId,
        actorRole: "SYSTEM",
        action: "test.write",
        targetType: "test",
        targetId: String(i),
      },
    });
    process.stdout.write(`committed ${id}\n`);
  }
  process.stdout.write("holding\n");
  // the open database keeps nothing on the event loop: this timer keeps the process alive until a signal
  setInterval(() => undefined, 60_000);
  return new Promise<number>(() => undefined);
}

runCommand(main);
