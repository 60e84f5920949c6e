import path from "node:path";

import { describe, expect, it } from "vitest";

import { describePostgresTarget, parseDatabaseUrl, redactDatabaseUrl } from "./config";

describe("parseDatabaseUrl", () => {
  it("defaults to a file-backed PGlite under DATA_DIR when unset or empty", () => {
    expect(parseDatabaseUrl(undefined, ".data")).toEqual({
      kind: "pglite",
      dataDir: path.join(".data", "pglite"),
    });
    expect(parseDatabaseUrl("  ", "/var/x4g")).toEqual({
      kind: "pglite",
      dataDir: "/var/x4g/pglite",
    });
  });

  it("accepts pglite:<dir> and pglite:memory", () => {
    expect(parseDatabaseUrl("pglite:/tmp/db", ".data")).toEqual({
      kind: "pglite",
      dataDir: "/tmp/db",
    });
    expect(parseDatabaseUrl("pglite:memory", ".data")).toEqual({ kind: "pglite", dataDir: null });
  });

  it("accepts postgres:// and postgresql:// URLs unchanged", () => {
    for (const url of [
      "postgres://u:p@db:5432/app",
      "postgresql://postgres@127.0.0.1:5432/test?sslmode=disable",
    ]) {
      expect(parseDatabaseUrl(url, ".data")).toEqual({ kind: "postgres", url });
    }
  });

  it("names DATABASE_URL and the accepted forms, without the password", () => {
    let message = "";
    try {
      parseDatabaseUrl("mysql://root:hunter2@db/app", ".data");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain("pglite:memory");
    expect(message).toContain("postgresql://");
    expect(message).not.toContain("hunter2");
  });

  it("refuses an empty pglite: and a postgres URL without a host", () => {
    expect(() => parseDatabaseUrl("pglite:", ".data")).toThrow(/DATABASE_URL/);
    expect(() => parseDatabaseUrl("postgresql://", ".data")).toThrow(/DATABASE_URL/);
    expect(() => parseDatabaseUrl("file:./dev.db", ".data")).toThrow(/DATABASE_URL/);
  });
});

describe("redactDatabaseUrl / describePostgresTarget", () => {
  it("masks credentials and reports host:port", () => {
    expect(redactDatabaseUrl("postgresql://app:s3cret@db.internal:6543/x")).toBe(
      "postgresql://***@db.internal:6543/x",
    );
    expect(redactDatabaseUrl("postgresql://db/x")).toBe("postgresql://db/x");
    expect(describePostgresTarget("postgresql://app:s3cret@db.internal:6543/x")).toBe(
      "db.internal:6543",
    );
    expect(describePostgresTarget("postgres://localhost/x")).toBe("localhost:5432");
  });
});
