// Test-only helpers for server/i18n/coverage.test.ts: a static scan of the sources for translation
// keys and for hard-coded English in JSX. Imports the TypeScript compiler; never import from app code.
import ts from "typescript";

/** Translator bindings in one source file: variable name → namespaces it is bound to. */
export type Bindings = Map<string, Set<string>>;

// `const t = useTranslations("ns")`, `const t = await getTranslations("ns")`,
// `const t = await getTranslations({ locale, namespace: "ns" })`, `const t = translatorFor(locale, "ns")`
const BINDING =
  /const\s+(\w+)\s*=\s*(?:await\s+)?(?:useTranslations|getTranslations)\(\s*(?:["']([\w.-]+)["']|\{[^}]*namespace:\s*["']([\w.-]+)["'][^}]*\})\s*\)|const\s+(\w+)\s*=\s*translatorFor\(\s*[^,()]+,\s*["']([\w.-]+)["']\s*\)/g;
const TRANSLATOR_CALL = /\b(?:useTranslations|getTranslations|translatorFor)\(/g;

export function translatorBindings(source: string): { bindings: Bindings; unbound: number } {
  const bindings: Bindings = new Map();
  let bound = 0;
  for (const m of source.matchAll(BINDING)) {
    const name = (m[1] ?? m[4]) as string;
    const namespace = (m[2] ?? m[3] ?? m[5]) as string;
    bindings.set(name, (bindings.get(name) ?? new Set()).add(namespace));
    bound += 1;
  }
  // calls the pattern cannot follow (destructuring, a variable namespace): the file must be rewritten
  // to the plain form, or its keys would go unchecked
  const calls =
    [...source.matchAll(TRANSLATOR_CALL)].length -
    [...source.matchAll(/function\s+(?:useTranslations|getTranslations|translatorFor)\(/g)].length;
  return { bindings, unbound: calls - bound };
}

/** Literal keys passed to a bound translator: `t("a.b")`, `t.rich("a")`, `t.markup("a")`, `t.has("a")`. */
export function literalKeys(source: string, name: string): string[] {
  const call = new RegExp(
    `(?<![\\w.])${name}(?:\\.rich|\\.markup|\\.has|\\.raw)?\\(\\s*(["'\`])([^"'\`$]+)\\1`,
    "g",
  );
  return [...source.matchAll(call)].map((m) => m[2] as string);
}

/** Tokens that are the same in every language. All-caps words (HTTP, GET, USDC, API) pass by rule. */
export const TECHNICAL_WORDS = new Set([
  "x402",
  "px",
  "ms",
  "ok",
  "iOS",
  "macOS",
  "eth",
  "wagmi",
  "viem",
]);

const VISIBLE_ATTRIBUTES = new Set([
  "aria-label",
  "aria-description",
  "title",
  "placeholder",
  "alt",
  "label",
  "description",
  "heading",
]);
const CODE_ELEMENTS = new Set(["code", "pre", "kbd", "samp", "Code", "CodeBlock"]);

/** The English words a person would read in `text` once technical tokens are set aside. */
export function englishWords(text: string): string[] {
  const words: string[] = [];
  for (const chunk of text.replace(/&[a-z]+;|&#\d+;/gi, " ").split(/\s+/)) {
    // code-like chunks: paths, identifiers, URLs, hex, key=value, calls
    if (
      chunk === "" ||
      /[/_=@<>{}()[\]#\\]|\w\.\w|\w:\w|^0x/i.test(chunk) ||
      /[a-z][A-Z]/.test(chunk)
    )
      continue;
    for (const word of chunk.match(/[A-Za-z][A-Za-z0-9]*(?:['’][a-z]+)?/g) ?? []) {
      if (word.length < 2 || !/[a-z]/.test(word) || TECHNICAL_WORDS.has(word)) continue;
      words.push(word);
    }
  }
  return words;
}

export type HardCodedText = { line: number; text: string };

function isInsideCode(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isJsxElement(n) && CODE_ELEMENTS.has(n.openingElement.tagName.getText())) return true;
  }
  return false;
}

/** Where a string literal ends up: a JSX child or a visible attribute, through ?:, ||, ?? and (). */
function rendersAsText(node: ts.Node): boolean {
  let n = node.parent;
  while (
    n &&
    (ts.isConditionalExpression(n) ||
      ts.isParenthesizedExpression(n) ||
      (ts.isBinaryExpression(n) &&
        n.operatorToken.kind !== ts.SyntaxKind.EqualsEqualsEqualsToken &&
        n.operatorToken.kind !== ts.SyntaxKind.ExclamationEqualsEqualsToken))
  ) {
    if (ts.isConditionalExpression(n) && n.condition === node) return false;
    node = n;
    n = n.parent;
  }
  if (!n) return false;
  if (ts.isJsxExpression(n)) {
    const owner = n.parent;
    if (ts.isJsxAttribute(owner)) return VISIBLE_ATTRIBUTES.has(owner.name.getText());
    return ts.isJsxElement(owner) || ts.isJsxFragment(owner);
  }
  return ts.isJsxAttribute(n) && VISIBLE_ATTRIBUTES.has(n.name.getText());
}

/** JSX text and visible attribute strings with English words in them (a translated file has none). */
export function hardCodedTexts(fileName: string, source: string): HardCodedText[] {
  const file = ts.createSourceFile(
    fileName,
    source,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TSX,
  );
  const found: HardCodedText[] = [];
  const report = (node: ts.Node, text: string) => {
    if (englishWords(text).length === 0 || isInsideCode(node)) return;
    found.push({
      line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      text: text.trim(),
    });
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) report(node, node.getText());
    else if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      rendersAsText(node)
    )
      report(node, node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
