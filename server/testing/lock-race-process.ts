// One contender in the data-directory lock race test (server/db/data-dir-lock.int.test.ts): it
// spins until START_AT (ms since the epoch) so that every contender asks at the same instant, then
// takes the lock of LOCK_DIR directly — no PGlite behind it, to keep the window tight. Prints `won`
// and holds the lock until SIGTERM, or prints `lost: <message>` and exits 1.
import { acquireDataDirLock } from "@/server/db/data-dir-lock";

const dir = process.env.LOCK_DIR ?? "";
const startAt = Number(process.env.START_AT);
process.stdout.write("ready\n");
while (Date.now() < startAt) {
  // spin: a timer would add the event loop's own jitter
}
try {
  const lock = acquireDataDirLock(dir);
  process.stdout.write("won\n");
  process.on("SIGTERM", () => {
    lock.release();
    process.exit(0);
  });
  setInterval(() => undefined, 60_000);
} catch (error) {
  process.stdout.write(`lost: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
