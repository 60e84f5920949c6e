// What the three `npm run chain:build` steps share: the offline npm `solc` compile with its error
// check, and the hash of a contracts folder's sources that each committed artifact records (a unit
// test fails when a .sol file changes without a rebuild).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

type Solc = {
  compile: (input: string, callbacks?: { import: (p: string) => unknown }) => string;
  version: () => string;
};

/** Every .sol file below `dir`, relative to it, in a stable order. */
function solFiles(dir: string, root = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return solFiles(full, root);
      return name.endsWith(".sol") ? [path.relative(root, full)] : [];
    });
}

/** sha256 over the named files (default: every .sol below `dir`), names and contents. */
export function solSourcesHash(dir: string, files: readonly string[] = solFiles(dir)): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(file).update(readFileSync(path.join(dir, file)));
  return hash.digest("hex");
}

/**
 * Compiles a standard-JSON input with the npm solc build `solcPackage` and returns its output;
 * throws with solc's messages when it reports an error.
 */
export function compileSolidity<Output extends object>(
  solcPackage: string,
  input: Record<string, unknown>,
  findImport?: (importPath: string) => string,
): { output: Output; version: string } {
  const solc = createRequire(import.meta.url)(solcPackage) as Solc;
  const callbacks = findImport
    ? { import: (p: string) => ({ contents: findImport(p) }) }
    : undefined;
  const output = JSON.parse(solc.compile(JSON.stringify(input), callbacks)) as Output & {
    errors?: { severity: string; formattedMessage: string }[];
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return { output, version: solc.version() };
}
