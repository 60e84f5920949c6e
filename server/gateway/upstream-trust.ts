import { createHmac } from "node:crypto";

import { randomHex } from "@/server/db/ids";
import type { InjectedCredential } from "@/server/merchants/upstream-credentials";
import { maskSecret } from "@/server/merchants/upstream-credentials";
import {
  encodeGatewayPaymentFacts,
  GATEWAY_PAYMENT_HEADER,
  GATEWAY_SIGNATURE_HEADER,
  gatewaySigningPayload,
  type GatewayPaymentFacts,
} from "@/sdk/src/verify";

// What makes an upstream request trustworthy to the merchant's API (pure parts): the signature
// headers (payload format shared with the SDK's verifier, so the two cannot disagree; HMAC here on
// node:crypto, which is faster than the SDK's portable one on the hot path), and the merchant's
// injected credentials.

export type UpstreamCredentials = {
  headers: Record<string, string>;
  query: [string, string][];
  secrets: string[];
};

/**
 * The credentials for a request priced by `ruleId` (null: unpriced): merchant-wide ones, with a
 * rule's own credential of the same location and name taking precedence.
 */
export function credentialsForRule(
  all: InjectedCredential[],
  ruleId: string | null,
): UpstreamCredentials {
  const chosen = new Map<string, InjectedCredential>();
  for (const c of all) {
    if (c.ruleId !== null && c.ruleId !== ruleId) continue;
    const key = `${c.location}:${c.location === "HEADER" ? c.name.toLowerCase() : c.name}`;
    if (c.ruleId !== null || !chosen.has(key)) chosen.set(key, c);
  }
  const headers: Record<string, string> = {};
  const query: [string, string][] = [];
  for (const c of chosen.values()) {
    if (c.location === "HEADER") headers[c.name.toLowerCase()] = c.value;
    else query.push([c.name, c.value]);
  }
  return { headers, query, secrets: [...chosen.values()].map((c) => c.value) };
}

/**
 * X-Gateway-Signature and X-Gateway-Payment for one upstream request: one v1 per secret still
 * signing (the newest first), over method, the exact path and query sent, the request id and the
 * payment facts.
 */
export function signUpstreamRequest(opts: {
  secrets: string[];
  nowSeconds: number;
  requestId: string;
  method: string;
  url: URL;
  facts: GatewayPaymentFacts;
  nonce?: string;
}): Record<string, string> {
  const payment = encodeGatewayPaymentFacts(opts.facts);
  const nonce = opts.nonce ?? randomHex(16);
  const payload = gatewaySigningPayload({
    timestamp: opts.nowSeconds,
    nonce,
    requestId: opts.requestId,
    method: opts.method,
    path: opts.url.pathname,
    query: opts.url.search.replace(/^\?/, ""),
    payment,
  });
  const v1 = opts.secrets.map((s) => `v1=${createHmac("sha256", s).update(payload).digest("hex")}`);
  return {
    [GATEWAY_SIGNATURE_HEADER]: [`t=${opts.nowSeconds}`, `n=${nonce}`, ...v1].join(","),
    [GATEWAY_PAYMENT_HEADER]: payment,
  };
}

/** What the upstream received, with every injected credential value masked (the console's test call). */
export function maskUpstreamRequest(
  sent: { url: URL; headers: Record<string, string> },
  secrets: string[],
): { url: string; headers: [string, string][] } {
  const mask = (text: string) => {
    let out = text;
    for (const secret of secrets) {
      if (!secret) continue;
      out = out
        .split(secret)
        .join(maskSecret(secret))
        .split(encodeURIComponent(secret))
        .join(maskSecret(secret));
    }
    return out;
  };
  return {
    url: mask(sent.url.toString()),
    headers: Object.entries(sent.headers).map(
      ([name, value]) => [name, mask(value)] as [string, string],
    ),
  };
}
