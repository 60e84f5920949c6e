import { pathCaptures, type CompiledPattern } from "./path-pattern";

// Path mapping: a rule's public pattern may be served from another upstream path
// (`/v1/quote/*` → `/internal/pricing/*`). The template's wildcards take what the pattern's
// wildcards matched, in order. Mapping must never let a buyer reach outside the upstream's base
// path: templates are checked when a rule is saved, captured values on every request, and the
// final URL once more against the base (that last check covers unmapped paths too).

export type UpstreamPathCheck = { ok: true } | { ok: false; message: string };
export type MappedPath =
  { ok: true; path: string } | { ok: false; reason: "upstream_path_refused"; message: string };

const TEMPLATE_CHARS = /^[A-Za-z0-9\-._~!$&'()+,;=:@%*/]*$/;
// encoded "/", "\" and "." are how traversal hides from a check on the decoded form
const ENCODED_SEPARATOR = /%(2f|5c|2e)/i;

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function isDotSegment(segment: string): boolean {
  const decoded = decodeSegment(segment);
  return decoded === null || decoded === "." || decoded === "..";
}

/** Validates a rule's upstream path template against its public pattern (at save time). */
export function checkUpstreamPathTemplate(
  template: string,
  pattern: CompiledPattern,
): UpstreamPathCheck {
  if (!template.startsWith("/")) return { ok: false, message: "Start the upstream path with /" };
  if (template.length > 512) return { ok: false, message: "Use at most 512 characters" };
  if (/[?#]/.test(template))
    return {
      ok: false,
      message: "The upstream path is a path only: the caller's query is passed on as it is",
    };
  if (template.includes("\\") || ENCODED_SEPARATOR.test(template))
    return {
      ok: false,
      message: "Encoded slashes, backslashes and encoded dots are not allowed in the upstream path",
    };
  if (!TEMPLATE_CHARS.test(template))
    return {
      ok: false,
      message: "The upstream path has characters that cannot appear in a URL path",
    };
  const segments = template.slice(1).split("/");
  if (segments.some((s, i) => s === "" && i !== segments.length - 1))
    return { ok: false, message: "Remove the empty segment (//)" };
  if (segments.some((s) => s === "." || s === ".."))
    return { ok: false, message: "The upstream path may not contain . or .. segments" };
  if (segments.some((s) => s.includes("**") && s !== "**"))
    return { ok: false, message: "Use ** only as a whole segment, like /internal/**" };
  const wildcards = template.match(/\*\*|\*/g)?.length ?? 0;
  if (wildcards > pattern.wildcards) {
    return {
      ok: false,
      message: `The upstream path has ${wildcards} wildcard(s) but the pattern captures only ${pattern.wildcards}`,
    };
  }
  return { ok: true };
}

/** A captured value is safe when none of its segments is a (possibly encoded) dot segment and it hides no encoded separator. */
function isSafeCapture(capture: string): boolean {
  if (capture.includes("\\") || ENCODED_SEPARATOR.test(capture)) return false;
  return capture === "" || !capture.split("/").some(isDotSegment);
}

/**
 * The upstream path for a request: the request path itself without a template, else the template
 * with its wildcards replaced by what the pattern captured. Refused when a captured value could
 * climb out of the template's directory.
 */
export function mapUpstreamPath(
  template: string | null,
  pattern: CompiledPattern,
  requestPath: string,
): MappedPath {
  if (!template) return { ok: true, path: requestPath };
  const captures = pathCaptures(pattern, requestPath);
  if (!captures) return { ok: true, path: requestPath };
  if (!captures.every(isSafeCapture))
    return {
      ok: false,
      reason: "upstream_path_refused",
      message:
        "This path cannot be mapped to the upstream: it contains dot segments or encoded slashes",
    };
  let i = 0;
  let path = template.replace(/\*\*|\*/g, () => captures[i++] ?? "");
  // `/internal/**` for a request that matched `/v1/**` with nothing below it: `/internal`, not `/internal/`
  if (path.length > 1 && path.endsWith("/") && !template.endsWith("/")) path = path.slice(0, -1);
  return { ok: true, path };
}

/** Merchants' base URLs as parsed (origin and path without trailing slashes): parsed once, not per request. */
const parsedBases = new Map<string, { origin: string; basePath: string } | null>();
const MAX_PARSED_BASES = 10_000;

function parsedBase(baseUrl: string): { origin: string; basePath: string } | null {
  let parsed = parsedBases.get(baseUrl);
  if (parsed !== undefined) return parsed;
  try {
    const base = new URL(baseUrl);
    parsed = { origin: base.origin, basePath: base.pathname.replace(/\/+$/, "") };
  } catch {
    parsed = null;
  }
  if (parsedBases.size >= MAX_PARSED_BASES) parsedBases.clear();
  parsedBases.set(baseUrl, parsed);
  return parsed;
}

/**
 * base + path + query as a URL, or null when the result would leave the base URL's origin or path
 * (e.g. a dot segment the URL parser resolves).
 */
export function joinUpstreamUrl(baseUrl: string, path: string, search: string): URL | null {
  const base = parsedBase(baseUrl);
  if (!base) return null;
  let url: URL;
  try {
    url = new URL(baseUrl + path + search);
  } catch {
    return null;
  }
  const { basePath } = base;
  if (url.origin !== base.origin) return null;
  if (basePath !== "" && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`))
    return null;
  return url;
}

function decodedName(part: string): string {
  const raw = part.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/**
 * The buyer's query with parameters of the credentials' names removed and the credentials
 * appended. The rest is kept byte for byte (URLSearchParams would re-encode it).
 */
export function withQueryCredentials(search: string, query: [string, string][]): string {
  if (query.length === 0) return search;
  const names = new Set(query.map(([n]) => n));
  const kept = search
    .replace(/^\?/, "")
    .split("&")
    .filter((part) => part !== "" && !names.has(decodedName(part)));
  for (const [name, value] of query)
    kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `?${kept.join("&")}`;
}
