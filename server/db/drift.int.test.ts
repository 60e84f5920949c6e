import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { DEFAULT_SCHEMA_PATH, diffMigrationsAgainstSchema } from "./schema-engine";

// schema.prisma and prisma/migrations must describe the same database: a model change without a
// migration would pass every test that builds its database from the migrations and then fail in
// production. Needs no database (the history is replayed on an in-memory PGlite shadow).

const tempDirs: string[] = [];

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("committed migrations vs schema.prisma", () => {
  it("reports no drift", async () => {
    expect(await diffMigrationsAgainstSchema()).toBe("");
  });

  it("reports the SQL a schema change still needs (proves the check can fail)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "x4g-drift-"));
    tempDirs.push(dir);
    const schemaPath = path.join(dir, "schema.prisma");
    await copyFile(DEFAULT_SCHEMA_PATH, schemaPath);
    const original = await readFile(schemaPath, "utf8");
    const anchor = "model User {\n";
    expect(original).toContain(anchor);
    await writeFile(schemaPath, original.replace(anchor, `${anchor}  nickname String?\n`));

    const drift = await diffMigrationsAgainstSchema({ schemaPath });

    expect(drift).toMatch(/ALTER TABLE "User" ADD COLUMN\s+"nickname" TEXT/);
  });
});
