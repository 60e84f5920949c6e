// `npm run build:standalone` (after `next build`): completes `.next/standalone` into a folder that
// runs anywhere with `node server.js`. Next leaves the static assets out on purpose (a CDN may serve
// them); a self-hosted server must serve them itself. The Dockerfile and the standalone e2e test
// both use this, so what is tested is what ships.
import { cpSync, existsSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Copies `.next/static` and `public/` next to the standalone server; returns its directory. */
export function prepareStandalone(root: string = process.cwd()): string {
  const standalone = path.join(root, ".next", "standalone");
  if (!existsSync(path.join(standalone, "server.js"))) {
    throw new Error(`${standalone}/server.js is missing: run \`next build\` (next.config.ts has output: "standalone") first`);
  }
  const copies: [from: string, to: string][] = [
    [path.join(root, ".next", "static"), path.join(standalone, ".next", "static")],
    [path.join(root, "public"), path.join(standalone, "public")],
  ];
  for (const [from, to] of copies) {
    // replaced, not merged: hashed chunks of an earlier build must not linger
    rmSync(to, { recursive: true, force: true });
    if (existsSync(from)) cpSync(from, to, { recursive: true });
  }
  return standalone;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const dir = prepareStandalone();
    console.log(`standalone server ready: node ${path.relative(process.cwd(), dir)}/server.js`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
