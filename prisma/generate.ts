import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// `npm run db:generate`: generates the Prisma client into server/db/generated, offline.
//
// `prisma generate` never runs the schema engine, but the CLI still tries to download it first
// (shared/NOTES.md "Prisma 7"); pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the
// download. We set it only in the child's environment so a user's own `prisma migrate` in this shell
// is never handed a fake engine. The same command works on a machine with internet access.

const root = fileURLToPath(new URL("..", import.meta.url));
const schemaPath = path.join(root, "prisma", "schema.prisma");
const outputDir = path.join(root, "server", "db", "generated");
const stampPath = path.join(outputDir, ".schema-hash");

const require = createRequire(import.meta.url);
const prismaPackageJson = require.resolve("prisma/package.json");
const prismaCli = path.join(path.dirname(prismaPackageJson), "build", "index.js");

function currentStamp(): string {
  // The client depends on the schema and on the generator's version; either change regenerates.
  const versions = ["prisma/package.json", "@prisma/client/package.json"].map(
    (name) =>
      (JSON.parse(readFileSync(require.resolve(name), "utf8")) as { version: string }).version,
  );
  return createHash("sha256")
    .update(readFileSync(schemaPath))
    .update(versions.join("\n"))
    .digest("hex");
}

function isUpToDate(stamp: string): boolean {
  if (!existsSync(path.join(outputDir, "client.ts")) || !existsSync(stampPath)) return false;
  return readFileSync(stampPath, "utf8").trim() === stamp;
}

// The child gets this shell's environment plus two variables; nothing here is app configuration.
// eslint-disable-next-line no-restricted-properties
const parentEnv = process.env;

function main(): number {
  const force = process.argv.includes("--force");
  const stamp = currentStamp();
  if (!force && isUpToDate(stamp)) {
    console.log("Prisma client is up to date (server/db/generated).");
    return 0;
  }
  const result = spawnSync(
    process.execPath,
    [prismaCli, "generate", "--schema", schemaPath, "--no-hints"],
    {
      cwd: root,
      stdio: "inherit",
      env: {
        ...parentEnv,
        // Any existing file will do: generate does not execute it. Respect a real one if set.
        PRISMA_SCHEMA_ENGINE_BINARY: parentEnv.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
        // The update check is a network call that only slows down an offline machine.
        CHECKPOINT_DISABLE: "1",
      },
    },
  );
  if (result.error) {
    console.error(`prisma generate could not start: ${result.error.message}`);
    return 1;
  }
  if (result.status !== 0) {
    console.error(`prisma generate failed (exit ${result.status ?? result.signal}).`);
    return result.status ?? 1;
  }
  writeFileSync(stampPath, `${stamp}\n`);
  return 0;
}

process.exit(main());
