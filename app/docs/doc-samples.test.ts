import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import ts from "typescript";
import { describe, expect, it } from "vitest";

import { buildOpenApiDocument } from "@/server/public-api/openapi";

// Every TypeScript sample in the docs (app/docs/_content and the SDK README) compiles against the
// real packages and the SDK's source, so the docs cannot drift from the API.

const DOC_FILES = [
  "sdk/README.md",
  "app/docs/_content/x402-flow.md",
  "app/docs/_content/facilitator-api.md",
  "app/docs/_content/other-languages.md",
  "app/docs/_content/verify-gateway-requests.md",
  "app/docs/_content/merchant-api.md",
  // the Chinese versions (app/docs/_lib/pages.ts)
  "app/docs/_content/zh-CN/x402-flow.md",
  "app/docs/_content/zh-CN/facilitator-api.md",
  "app/docs/_content/zh-CN/sdk.md",
];
const root = process.cwd();
const outDir = path.join(root, ".data", "doc-samples");

function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

describe("docs code samples", () => {
  it("all type-check", () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const files: string[] = [];
    for (const doc of DOC_FILES) {
      tsBlocks(readFileSync(path.join(root, doc), "utf8")).forEach((code, i) => {
        const file = path.join(outDir, `${doc.replace(/[/.]/g, "_")}_${i}.ts`);
        writeFileSync(file, `${code}\nexport {};\n`);
        files.push(file);
      });
    }
    // the TypeScript samples the API reference shows for each operation
    const doc = buildOpenApiDocument({ baseUrl: "https://gateway.example.com" });
    Object.values(doc.paths ?? {})
      .flatMap((item) =>
        Object.values(
          item as Record<string, { "x-codeSamples"?: { lang: string; source: string }[] }>,
        ),
      )
      .flatMap((op) => op["x-codeSamples"]?.filter((sample) => sample.lang === "typescript") ?? [])
      .forEach((sample, i) => {
        const file = path.join(outDir, `openapi_sample_${i}.ts`);
        writeFileSync(file, `${sample.source}\nexport {};\n`);
        files.push(file);
      });
    // what a reader's environment provides: a browser wallet on window
    const globals = path.join(outDir, "reader-globals.d.ts");
    writeFileSync(
      globals,
      `interface Window { ethereum: import("@x402-gateway/sdk").Eip1193Provider }\n`,
    );
    expect(files.length).toBeGreaterThanOrEqual(25);

    const program = ts.createProgram([...files, globals], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
      baseUrl: root,
      paths: {
        "@x402-gateway/sdk": ["sdk/src/index.ts"],
        "@x402-gateway/sdk/verify": ["sdk/src/verify.ts"],
        "@/*": ["./*"],
      },
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
      .map(
        (d) =>
          `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      );
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
