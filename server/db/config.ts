import path from "node:path";

// Which database the app talks to, decided from DATABASE_URL alone (STYLE 2.6): one schema, two
// drivers. Pure so it can be unit-tested and reused by the CLI, tests and the Next server alike.

export type DatabaseConfig =
  | { kind: "pglite"; /** null = in-memory */ dataDir: string | null }
  | { kind: "postgres"; url: string };

const ACCEPTED_FORMS = [
  "unset (embedded PGlite under <DATA_DIR>/pglite)",
  "pglite:<directory> (embedded PGlite in that directory)",
  "pglite:memory (embedded PGlite in memory, lost on exit)",
  "postgresql://user:password@host:5432/database (or postgres://…)",
];

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseConfig {
  const value = url?.trim() ?? "";
  if (value === "") return { kind: "pglite", dataDir: path.join(dataDir, "pglite") };
  if (value.startsWith("pglite:")) {
    const dir = value.slice("pglite:".length);
    if (dir === "memory") return { kind: "pglite", dataDir: null };
    if (dir === "") throw invalidDatabaseUrl(value, "pglite: needs a directory or `memory`");
    return { kind: "pglite", dataDir: dir };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw invalidDatabaseUrl(value, "not a valid URL");
    }
    if (parsed.hostname === "" && !parsed.searchParams.has("host")) {
      throw invalidDatabaseUrl(value, "the URL names no host");
    }
    return { kind: "postgres", url: value };
  }
  throw invalidDatabaseUrl(value, "unknown scheme");
}

/** The URL with any `user:password@` credentials masked, safe for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  // A regex rather than `new URL` so malformed values are redacted too.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, (_, scheme: string) => `${scheme}***@`);
}

/** `host:port` of a PostgreSQL URL, for "cannot reach" messages (never includes credentials). */
export function describePostgresTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
    return `${host}:${parsed.port || "5432"}`;
  } catch {
    return redactDatabaseUrl(url);
  }
}

function invalidDatabaseUrl(value: string, reason: string): Error {
  return new Error(
    `DATABASE_URL is invalid (${reason}): "${redactDatabaseUrl(value)}". Accepted forms:\n` +
      ACCEPTED_FORMS.map((form) => `  - ${form}`).join("\n"),
  );
}
