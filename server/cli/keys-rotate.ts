// `npm run keys:rotate [-- --batch-size N] [--receipt-signing-key]`: with --receipt-signing-key,
// first makes a new `offer-receipt` signing key (the old one is retired and stays published in
// /.well-known/did.json, so receipts it signed keep verifying; server/receipts/keys.ts). Then re-seals every sealed value (addresses, payloads,
// webhook and gateway signing secrets, upstream credentials) under the current ENCRYPTION_KEY and
// recomputes the keyed hashes, opening old values with the keys in ENCRYPTION_KEYS_PREVIOUS.
// Batched, idempotent and resumable: run it again after an interruption, or to check that nothing
// is left (it then changes nothing). Prints one line per column; exits 1 if any value failed, in
// which case the previous keys must stay configured.
import "dotenv/config";

import { runCommand } from "@/server/cli/run-command";
import { currentKeyId, keyRingOf } from "@/server/crypto/secrets";
import { createBaseDeps } from "@/server/deps";
import { getEnv } from "@/server/env";
import { DEFAULT_BATCH_SIZE, rotateEncryptionKeys } from "@/server/keys/rotate-keys";
import { rotateReceiptSigningKey } from "@/server/receipts/keys";

async function main(): Promise<number> {
  const sizeArg = process.argv.indexOf("--batch-size");
  const batchSize = sizeArg >= 0 ? Number(process.argv[sizeArg + 1]) : DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw new Error("--batch-size takes a whole number from 1 to 10000");
  const deps = createBaseDeps(getEnv());
  if (process.argv.includes("--receipt-signing-key")) {
    const rotated = await rotateReceiptSigningKey(deps, { actor: { role: "SYSTEM" } });
    console.log(
      `receipt signing key ${rotated.id} (generation ${rotated.generation}) signs from now on; retired, still published: ${rotated.retired.join(", ") || "none"}`,
    );
  }
  const ring = keyRingOf(deps.env);
  console.log(
    `current key ${currentKeyId(ring)}; previous keys: ${[...ring.byId.keys()].filter((id) => id !== ring.current.id).join(", ") || "none"}`,
  );
  const reports = await rotateEncryptionKeys(deps, { batchSize });
  for (const r of reports) {
    const name = `${r.table} ${r.label}`.padEnd(36);
    console.log(
      `${name} re-sealed ${String(r.rotated).padStart(8)}   clear sealed ${String(r.legacySealed).padStart(8)}   under current key ${String(r.current).padStart(8)}   failed ${r.failed}${r.firstError ? ` (${r.firstError})` : ""}`,
    );
  }
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  if (failed > 0) {
    console.error(
      `${failed} value(s) could not be re-sealed: keep ENCRYPTION_KEYS_PREVIOUS as it is, fix the cause and run again.`,
    );
    return 1;
  }
  console.log(
    "every sealed value is under the current key: the previous keys may be removed from ENCRYPTION_KEYS_PREVIOUS.",
  );
  return 0;
}

runCommand(main);
