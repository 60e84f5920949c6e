// A second, throw-away server for e2e/security/https.spec.ts: the same production build deployed as
// https (APP_URL https://…) behind a TLS proxy at 127.0.0.1 (TRUSTED_PROXIES), listening on both
// IPv4 and IPv6 so the spec can also reach it from an untrusted peer (::1). Its own fresh embedded
// database holds one user. No chain: the pages, sign-in and cookies need none.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

import { createPrismaClient } from "@/server/db/client";
import { assertDataDirNotLocked } from "@/server/db/data-dir-lock";
import { parseDatabaseUrl } from "@/server/db/config";
import { applyMigrations } from "@/server/db/schema-engine";
import { parseServerEnv } from "@/server/env";
import { signUpWithPassword } from "@/server/users/users";

import { HTTPS_E2E_APP_URL, HTTPS_E2E_MAX_PER_IP, HTTPS_E2E_USER } from "./fixtures/https";

async function main() {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port <= 0) throw new Error("usage: serve-https.ts <port>");
  const dataDir = path.resolve(`.data/e2e-https-${port}`);
  // a server still running on this world keeps it
  assertDataDirNotLocked(path.join(dataDir, "pglite"));
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const databaseUrl = `pglite:${path.join(dataDir, "pglite")}`;
  const dbConfig = parseDatabaseUrl(databaseUrl, dataDir);
  await applyMigrations(dbConfig);

  const envVars: Record<string, string> = {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    ALLOW_EMBEDDED_DATABASE: "true",
    APP_URL: HTTPS_E2E_APP_URL,
    TRUSTED_PROXIES: "127.0.0.1",
    AUTH_SECRET: "e2e-https-only-auth-secret-0123456789abcdef",
    ENCRYPTION_KEY: "ZTJlLW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE=",
    SIGN_IN_MAX_PER_IP: String(HTTPS_E2E_MAX_PER_IP),
    LOG_LEVEL: "warn",
  };
  parseServerEnv(envVars);
  const { db, close } = createPrismaClient(dbConfig);
  await signUpWithPassword({ db }, HTTPS_E2E_USER);
  await close();

  const server = spawn(
    process.execPath,
    ["--import", "tsx", "server/cli/start.ts", "-p", String(port), "-H", "::"],
    {
      stdio: "inherit",
      env: { ...process.env, ...envVars },
    },
  );
  const stop = () => server.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  server.on("exit", (code) => {
    // a server still running on this world keeps it
    assertDataDirNotLocked(path.join(dataDir, "pglite"));
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(code ?? 0);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
