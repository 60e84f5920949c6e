import { createHmac, timingSafeEqual } from "node:crypto";

// Webhook signatures: `x-x402-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
// Receivers recompute it over the raw body and refuse timestamps older than their tolerance.

export const WEBHOOK_SIGNATURE_HEADER = "x-x402-signature";

export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  opts: { nowSeconds: number; toleranceSeconds?: number },
): boolean {
  const parts = Object.fromEntries(
    header.split(",").map((p) => p.split("=", 2) as [string, string]),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  if (Math.abs(opts.nowSeconds - t) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, t, body).split("v1=")[1] as string, "hex");
  const given = Buffer.from(parts.v1, "hex");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Seconds to wait before attempt n+1 (n attempts made): 30 s doubling, capped at 6 h. */
export function webhookBackoffSeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 6 * 3600);
}

export const MAX_WEBHOOK_ATTEMPTS = 8;
