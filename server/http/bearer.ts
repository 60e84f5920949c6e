import { createHash, timingSafeEqual } from "node:crypto";

/** Whether the request presents `expected` as its bearer token (false when nothing is expected). */
export function presentsBearerToken(req: Request, expected: string | undefined): boolean {
  const presented = /^bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
  if (!expected || !presented) return false;
  // hashing first makes the comparison constant-time whatever the lengths
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
