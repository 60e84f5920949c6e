// The one form of a request path that pricing rules are matched on AND that the upstream is sent
// (issue #20): whatever was priced is exactly what is served. Upstreams disagree about paths — one
// decodes %73 to "s", another collapses "//", a Java one drops ";params", a case-insensitive one
// folds "ſ" to "S" — so every spelling that some upstream could read as another path is either
// rewritten to a single form here or refused:
//   - %XX of an unreserved character (A-Z a-z 0-9 - . _ ~) is decoded (RFC 3986 §6.2.2.2); every
//     other escape is kept, with upper-case hex (§6.2.2.1)
//   - an encoded "/", "\" or control character (NUL included), a raw "\" or ";", a "." or ".."
//     segment (plain or encoded) and a malformed escape are refused
//   - "//" collapses to "/"
//   - characters that may not appear raw in a path are percent-encoded; non-ASCII must be valid
//     UTF-8 and is put in NFC, and refused when a compatibility or case mapping would turn it into
//     ASCII (fullwidth letters, "ſ", the Kelvin sign, "ı"), since upstreams that fold would read it
//     as another path
// Pure and allocation-free on the common path: a path of plain characters comes back as it is.

export type CanonicalPath = { ok: true; path: string } | { ok: false; message: string };

// 1: kept raw (RFC 3986 pchar and "/", minus ";"); 2: the escape of it is decoded (unreserved)
const RAW = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
  RAW[c.charCodeAt(0)] = 2;
for (const c of "!$&'()*+,=:@/") RAW[c.charCodeAt(0)] = 1;

const HEX = "0123456789ABCDEF";
const SLASH = 0x2f;
const DOT = 0x2e;
const PERCENT = 0x25;

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

const refuse = (message: string): CanonicalPath => ({ ok: false, message });

/** Whether the path is already canonical: plain characters only, no "//", no dot segment. */
function isPlain(path: string): boolean {
  let previous = -1;
  let segmentStart = 0;
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code >= 128 || RAW[code] === 0) return false;
    if (code === SLASH) {
      if (previous === SLASH) return false;
      if (isDotSegment(path, segmentStart, i)) return false;
      segmentStart = i + 1;
    }
    previous = code;
  }
  return !isDotSegment(path, segmentStart, path.length);
}

function isDotSegment(path: string, start: number, end: number): boolean {
  const length = end - start;
  if (length === 1) return path.charCodeAt(start) === DOT;
  return length === 2 && path.charCodeAt(start) === DOT && path.charCodeAt(start + 1) === DOT;
}

/**
 * The canonical form of a request path (the part after the merchant id, starting with "/"), or
 * why it is refused. `path` is the raw request target's path, or a URL's pathname.
 */
export function canonicalizePath(path: string): CanonicalPath {
  if (path === "") return { ok: true, path: "/" };
  if (path.charCodeAt(0) !== SLASH) return refuse("The path must start with /");
  if (isPlain(path)) return { ok: true, path };
  let out = "";
  let hasHighBytes = false;
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code === PERCENT) {
      const hi = hexValue(path.charCodeAt(i + 1));
      const lo = hexValue(path.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return refuse("The path has a malformed percent-escape");
      const byte = hi * 16 + lo;
      i += 2;
      if (byte === SLASH || byte === 0x5c)
        return refuse("Encoded slashes and backslashes (%2F, %5C) are not allowed in the path");
      if (byte < 0x20 || byte === 0x7f)
        return refuse("Encoded control characters (such as %00) are not allowed in the path");
      if (byte < 128 && RAW[byte] === 2) out += String.fromCharCode(byte);
      else {
        if (byte >= 128) hasHighBytes = true;
        out += `%${HEX[hi]}${HEX[lo]}`;
      }
      continue;
    }
    if (code === 0x5c) return refuse("Backslashes are not allowed in the path");
    if (code === 0x3b)
      return refuse("Path parameters (;) are not allowed: upstreams disagree about what they mean");
    if (code < 0x20 || code === 0x7f)
      return refuse("Control characters are not allowed in the path");
    if (code === SLASH && out.charCodeAt(out.length - 1) === SLASH) continue; // "//" → "/"
    if (code < 128) {
      out += RAW[code] === 0 ? `%${HEX[code >> 4]}${HEX[code & 15]}` : path[i];
      continue;
    }
    // node:http hands the raw target over byte by byte (latin1): a code below 256 is one UTF-8 byte
    hasHighBytes = true;
    if (code < 256) out += `%${HEX[code >> 4]}${HEX[code & 15]}`;
    else {
      const pair = code >= 0xd800 && code <= 0xdbff ? path.slice(i, i + 2) : path[i];
      try {
        out += encodeURIComponent(pair ?? "").toUpperCase();
      } catch {
        return refuse("The path is not valid UTF-8");
      }
      i += (pair?.length ?? 1) - 1;
    }
  }
  if (hasHighBytes) {
    const text = normaliseUnicode(out);
    if (typeof text !== "string") return text;
    out = text;
  }
  let segmentStart = 0;
  for (let i = 0; i <= out.length; i++) {
    if (i === out.length || out.charCodeAt(i) === SLASH) {
      if (isDotSegment(out, segmentStart, i))
        return refuse("Dot segments (. and ..) are not allowed in the path");
      segmentStart = i + 1;
    }
  }
  return { ok: true, path: out };
}

const HIGH_RUN = /(?:%[89A-F][0-9A-F])+/g;

/** NFC for the non-ASCII runs; refuses invalid UTF-8 and characters that fold into ASCII. */
function normaliseUnicode(path: string): string | CanonicalPath {
  let text: string;
  try {
    text = path.replace(HIGH_RUN, (run) => decodeURIComponent(run));
  } catch {
    return refuse("The path is not valid UTF-8");
  }
  const nfc = text.normalize("NFC");
  for (const ch of nfc) {
    if (ch.charCodeAt(0) < 128) continue;
    if (ch.normalize("NFKC") !== ch)
      return refuse(`The path contains "${ch}", which some servers read as another character`);
    const upper = ch.toUpperCase();
    const lower = ch.toLowerCase();
    if ((upper.length === 1 && upper.charCodeAt(0) < 128) || lower.charCodeAt(0) < 128) {
      return refuse(
        `The path contains "${ch}", which case-insensitive servers read as a plain letter`,
      );
    }
  }
  // re-encode only what was decoded: the ASCII escapes kept above stay as they are
  let out = "";
  for (const ch of nfc) out += ch.charCodeAt(0) < 128 ? ch : encodeURIComponent(ch).toUpperCase();
  return out;
}

// the escapes of characters that are delimiters inside a segment for some upstreams and data for
// others: decoded only for the second look at the rules (see decodedView)
const SUB_DELIM_ESCAPE = /%(2[146789ABC]|3[AD]|40)/g;

/**
 * The canonical path with its sub-delimiter escapes (%21 "!", %2C ",", %3D "=", …) decoded, or
 * null when it has none. An upstream that decodes every escape reads `/a%21b` as `/a!b`: rules are
 * matched against this view too, so such a path is priced like the one the upstream would serve.
 */
export function decodedView(canonical: string): string | null {
  if (!canonical.includes("%")) return null;
  const decoded = canonical.replace(SUB_DELIM_ESCAPE, (_m, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
  return decoded === canonical ? null : decoded;
}
