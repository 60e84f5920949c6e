import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";

import { LOCALES } from "./locales";
import { messagesFor, NAMESPACES } from "./messages";
import { hardCodedTexts, literalKeys, translatorBindings } from "./scan";

// The test that fails when a string has no translation (issue 25). See server/i18n/README.md.

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Folders whose pages are not converted yet: the JSX scan skips them. Every page is converted now;
 * a folder added here must be translated and removed again in the same wave.
 */
const UNTRANSLATED: string[] = [];

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

/** ICU argument and tag names, sorted: `{count, plural, …}`, `{name}`, `<code>…</code>`. */
function placeholders(message: string): string[] {
  const names = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
      names.add(el.type === TYPE.tag ? `<${el.value}>` : el.value);
      if (el.type === TYPE.tag) walk(el.children);
      if (el.type === TYPE.plural || el.type === TYPE.select)
        for (const option of Object.values(el.options)) walk(option.value);
    }
  };
  walk(parse(message));
  return [...names].sort();
}

function sourceFiles(dir: string, ext: RegExp): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && ext.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .filter((f) => !f.includes("node_modules/"));
}

const en = messagesFor("en") as unknown as Record<string, Tree>;

describe("message catalogues", () => {
  for (const namespace of NAMESPACES) {
    it(`${namespace}: every locale has the same keys, no empty text and the same placeholders as English`, () => {
      const reference = flatten(en[namespace] ?? {});
      for (const locale of LOCALES) {
        const messages = flatten(
          (messagesFor(locale) as unknown as Record<string, Tree>)[namespace] ?? {},
        );
        expect([...messages.keys()].sort(), `${locale}/${namespace}.json keys`).toEqual(
          [...reference.keys()].sort(),
        );
        for (const [key, text] of messages) {
          expect(text.trim(), `${locale}/${namespace}.json "${key}" is empty`).not.toBe("");
          expect(placeholders(text), `${locale}/${namespace}.json "${key}" placeholders`).toEqual(
            placeholders(reference.get(key) ?? ""),
          );
        }
      }
    });
  }

  it("has a message for every error code the UI can show", async () => {
    const { ERROR_CODES } = await import("@/server/errors");
    const codes = flatten(en.errors ?? {});
    expect(ERROR_CODES.filter((code) => !codes.has(`codes.${code}`))).toEqual([]);
  });
});

describe("keys used in the code", () => {
  const files = [...sourceFiles("app", /\.tsx?$/), ...sourceFiles("server", /\.tsx?$/)].filter(
    (f) => f !== "server/i18n/scan.ts",
  );

  it("finds translated files to check (the scan is not vacuous)", () => {
    const withBindings = files.filter(
      (f) => translatorBindings(readFileSync(path.join(ROOT, f), "utf8")).bindings.size > 0,
    );
    expect(withBindings).toContain("app/(auth)/login/login-form.tsx");
    expect(withBindings).toContain("server/x402/paywall.ts");
  });

  it('every literal key passed to t(…) exists in its namespace, and every translator is bound as `const t = …("ns")`', () => {
    const missing: string[] = [];
    for (const file of files) {
      const source = readFileSync(path.join(ROOT, file), "utf8");
      const { bindings, unbound } = translatorBindings(source);
      if (unbound > 0)
        missing.push(
          `${file}: write \`const t = useTranslations("ns")\` (or getTranslations / translatorFor) so the keys can be checked`,
        );
      for (const [name, namespaces] of bindings) {
        for (const key of literalKeys(source, name)) {
          const exists = [...namespaces].some((ns) =>
            flatten((en[ns.split(".")[0] ?? ""] ?? {}) as Tree, ns.split(".")[0]).has(
              `${ns}.${key}`,
            ),
          );
          if (!exists) missing.push(`${file}: ${[...namespaces].join("|")}.${key}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("hard-coded English in JSX", () => {
  it("flags English text and visible attributes, not code, technical tokens or translated calls", () => {
    const source = `export const A = ({ t, busy }) => (
      <div title="Close the panel">
        <p>Sign in now</p>
        <button>{busy ? "Saving…" : t("save")}</button>
        <code>GET /api/signal?x=1</code>
        <span>x402 · USDC · HTTP 402 · 0.01 · {t("price")}</span>
        <p className="text-sm">{t("ok")}</p>
      </div>
    );`;
    expect(hardCodedTexts("a.tsx", source).map((f) => f.text)).toEqual([
      "Close the panel",
      "Sign in now",
      "Saving…",
    ]);
  });

  it("finds none in the files already translated (see UNTRANSLATED for the rest)", () => {
    const checked = sourceFiles("app", /\.tsx$/).filter(
      (f) => !UNTRANSLATED.some((prefix) => f.startsWith(prefix)),
    );
    expect(checked).toContain("app/(auth)/login/login-form.tsx");
    const found = checked.flatMap((file) =>
      hardCodedTexts(file, readFileSync(path.join(ROOT, file), "utf8")).map(
        (f) => `${file}:${f.line}: "${f.text}"`,
      ),
    );
    expect(found).toEqual([]);
  });
});
