// Where a sign-in may send the browser next (`from` on /login, next-auth's callbackUrl): only a
// path on this origin. Browsers read `\` as `/` in special URLs, so `/\evil.com` is the
// protocol-relative `//evil.com`; and a percent-encoded slash or backslash can be decoded by a
// router before navigating. Anything that is not plainly a same-origin path falls back.

const PLACEHOLDER_ORIGIN = "http://same-origin.invalid";

/** The same-origin path `raw` names, or `fallback` when it could lead anywhere else. */
export function safeRedirectPath(raw: string | null | undefined, fallback = "/console"): string {
  if (!raw || raw.length > 2048 || !raw.startsWith("/")) return fallback;
  // control characters and whitespace are stripped by URL parsers (`/\t/evil.com` → `//evil.com`)
  if (/[\u0000-\u0020\u007f\\]/.test(raw)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return fallback;
  }
  if (/[\u0000-\u0020\u007f\\]/.test(decoded) || decoded.startsWith("//")) return fallback;
  if (raw.startsWith("//")) return fallback;
  let url: URL;
  try {
    url = new URL(raw, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  return url.pathname + url.search + url.hash;
}

/** next-auth's redirect callback: same-origin absolute URLs and safe paths pass, the rest go to `/console`. */
export function safeAuthRedirect(url: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  if (url.startsWith("/")) return new URL(safeRedirectPath(url), base).toString();
  try {
    const target = new URL(url);
    if (target.origin === base.origin)
      return new URL(
        safeRedirectPath(target.pathname + target.search + target.hash),
        base,
      ).toString();
  } catch {
    // not a URL: fall through
  }
  return new URL("/console", base).toString();
}
