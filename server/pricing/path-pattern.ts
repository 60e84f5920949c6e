// Glob patterns for pricing rules, matched against the request path after the merchant id:
//   /api/echo          exactly that path
//   /api/signal/*      one segment (`*` never crosses a `/`; it may sit inside a segment: /v1/*.json)
//   /api/**            any number of segments, including none (/api, /api/a/b/c)
// Matching is by compiled RegExp; specificity orders rules when several match. Requests are matched
// in their canonical form (canonical-path.ts), so a pattern's literal text is put in that form too
// (%73 → s, upper-case hex). A case-insensitive pattern ignores ASCII case only: the canonical form
// refuses the non-ASCII letters that fold into ASCII.

import { canonicalizePath } from "./canonical-path";

export type PatternError = { ok: false; message: string };
/** `wildcards`: how many `*`/`**` the pattern has; the regex captures each, in order (path mapping uses them). */
export type CompiledPattern = {
  ok: true;
  pattern: string;
  regex: RegExp;
  specificity: number;
  wildcards: number;
};

const SEGMENT_CHARS = /^[A-Za-z0-9\-._~!$&'()+,;=:@%*]*$/;

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

export function compilePathPattern(
  pattern: string,
  opts: { caseInsensitive?: boolean } = {},
): CompiledPattern | PatternError {
  if (!pattern.startsWith("/")) return { ok: false, message: "Start the pattern with /" };
  if (pattern.length > 512) return { ok: false, message: "Use at most 512 characters" };
  if (/[?#]/.test(pattern))
    return { ok: false, message: "Patterns match the path only: leave out ? and #" };
  const bad = pattern
    .slice(1)
    .split("/")
    .find((segment) => !SEGMENT_CHARS.test(segment));
  if (bad !== undefined)
    return { ok: false, message: `"${bad}" has characters that cannot appear in a URL path` };
  if (pattern.includes("//")) return { ok: false, message: "Remove the empty segment (//)" };
  // a pattern the canonical form refuses (a ";" or "\\" in it) keeps its text: no request can match it
  const canonical = canonicalizePath(pattern);
  const source = canonical.ok ? canonical.path : pattern;
  const segments = source === "/" ? [""] : source.slice(1).split("/");
  let regex = "^";
  // literal characters weigh most, then single-segment wildcards; `**` adds nothing
  let specificity = 0;
  let wildcards = 0;
  for (const [i, segment] of segments.entries()) {
    if (segment === "**") {
      // `/a/**` matches /a and everything below it
      regex += i === segments.length - 1 ? "(?:/(.*))?" : "((?:/[^/]+)*)";
      wildcards += 1;
      continue;
    }
    if (segment.includes("**"))
      return { ok: false, message: "Use ** only as a whole segment, like /api/**" };
    if (!SEGMENT_CHARS.test(segment))
      return { ok: false, message: `"${segment}" has characters that cannot appear in a URL path` };
    if (segment === "" && i !== segments.length - 1)
      return { ok: false, message: "Remove the empty segment (//)" };
    const parts = segment.split("*");
    regex += "/" + parts.map(escapeRegex).join("([^/]*)");
    wildcards += parts.length - 1;
    const literal = segment.replaceAll("*", "");
    specificity += 10 + literal.length * 4 - (segment.length - literal.length) * 2;
  }
  regex += "/?$";
  return {
    ok: true,
    pattern,
    regex: new RegExp(regex, opts.caseInsensitive ? "i" : ""),
    specificity,
    wildcards,
  };
}

export function matchesPath(compiled: CompiledPattern, path: string): boolean {
  return compiled.regex.test(path);
}

/**
 * What each wildcard matched, in order; null when the path does not match. A `**` capture has no
 * leading or trailing slash ("a/b"); an empty `**` tail captures "".
 */
export function pathCaptures(compiled: CompiledPattern, path: string): string[] | null {
  const m = compiled.regex.exec(path);
  if (!m) return null;
  return m.slice(1).map((c) => (c ?? "").replace(/^\/+/, ""));
}
