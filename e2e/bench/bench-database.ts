// The benchmark's database: the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust auth, as
// `.ci/run` uses it), in a database created for this run and dropped after it, because a production
// gateway runs on PostgreSQL and the embedded PGlite (single-threaded WASM inside the gateway
// process) puts every paid call's transactions on the gateway's own CPU. BENCH_DB=pglite keeps the
// embedded database; a DATABASE_URL that starts with postgres is used as it is (not dropped).
import { execFileSync } from "node:child_process";
import path from "node:path";

const ADMIN = ["-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc"];

export type BenchDatabase = { url: string; kind: "postgres" | "pglite"; drop: () => void };

export function benchDatabase(dataDir: string): BenchDatabase {
  if (process.env.DATABASE_URL?.startsWith("postgres"))
    return { url: process.env.DATABASE_URL, kind: "postgres", drop: () => undefined };
  if (process.env.BENCH_DB === "pglite")
    return { url: `pglite:${path.join(dataDir, "pglite")}`, kind: "pglite", drop: () => undefined };
  const name = `x4g_bench_${Date.now()}_${process.pid}`;
  execFileSync("psql", [...ADMIN, `CREATE DATABASE ${name}`], { stdio: "inherit" });
  let dropped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    kind: "postgres",
    drop: () => {
      if (dropped) return;
      dropped = true;
      execFileSync("psql", [...ADMIN, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], {
        stdio: "inherit",
      });
    },
  };
}
