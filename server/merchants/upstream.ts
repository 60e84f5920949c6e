import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import type { Deps } from "@/server/deps";

import { assertUpstreamUrlAllowed } from "./merchants";
import {
  testCallInput,
  upstreamSettingsSchema,
  type TestCallInput,
  type UpstreamSettings,
} from "./schemas";

export { testCallInput, upstreamSettingsSchema };

// The merchant's upstream: where the gateway forwards calls, how long it waits, and whether a
// failed upstream call is still charged. Plus the console's test call through the real gateway.

export async function getUpstreamSettings(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string },
): Promise<UpstreamSettings> {
  return deps.db.merchant.findUniqueOrThrow({
    where: { id: opts.merchantId },
    select: { upstreamBaseUrl: true, upstreamTimeoutMs: true, chargeOnUpstreamError: true },
  });
}

export async function updateUpstreamSettings(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string; actor: AuditActor; input: UpstreamSettings },
): Promise<UpstreamSettings> {
  const upstreamBaseUrl = assertUpstreamUrlAllowed(deps, opts.input.upstreamBaseUrl);
  const after = await deps.db.$transaction(async (tx) => {
    const before = await tx.merchant.findUniqueOrThrow({
      where: { id: opts.merchantId },
      select: { upstreamBaseUrl: true, upstreamTimeoutMs: true, chargeOnUpstreamError: true },
    });
    const updated = await tx.merchant.update({
      where: { id: opts.merchantId },
      data: {
        upstreamBaseUrl,
        upstreamTimeoutMs: opts.input.upstreamTimeoutMs,
        chargeOnUpstreamError: opts.input.chargeOnUpstreamError,
      },
      select: { upstreamBaseUrl: true, upstreamTimeoutMs: true, chargeOnUpstreamError: true },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "merchant.upstream.update",
      targetType: "merchant",
      targetId: opts.merchantId,
      before,
      after: updated,
    });
    return updated;
  });
  publishMerchantConfigChanged(opts.merchantId);
  return after;
}

export type TestCallResult = {
  url: string;
  status: number;
  latencyMs: number;
  headers: [string, string][];
  body: string;
  truncated: boolean;
  /** what the upstream received (injected credentials masked); null when the gateway answered itself (402, errors before the proxy) */
  upstreamRequest: { url: string; headers: [string, string][] } | null;
};

const MAX_SHOWN_BODY = 16 * 1024;

/**
 * Sends one request through the gateway as a buyer would (no payment, no key): a free path shows
 * the upstream's answer, a priced path the 402 a client gets.
 */
export async function runTestCall(
  deps: { env: Pick<Deps["env"], "APP_URL">; gateway: NonNullable<Deps["gateway"]> },
  opts: { merchantId: string; input: TestCallInput },
): Promise<TestCallResult> {
  const url = `${deps.env.APP_URL}/${opts.merchantId}${opts.input.path}`;
  const hasBody =
    opts.input.body !== undefined && opts.input.method !== "GET" && opts.input.method !== "HEAD";
  const started = performance.now();
  let upstreamRequest: TestCallResult["upstreamRequest"] = null;
  const res = await deps.gateway(
    new Request(url, {
      method: opts.input.method,
      body: hasBody ? opts.input.body : undefined,
      headers: {
        accept: "application/json",
        ...(hasBody ? { "content-type": "application/json" } : {}),
      },
    }),
    opts.merchantId,
    { trace: (sent) => (upstreamRequest = sent) },
  );
  const text = await res.text();
  return {
    url,
    status: res.status,
    latencyMs: Math.round(performance.now() - started),
    headers: [...res.headers.entries()],
    body: text.slice(0, MAX_SHOWN_BODY),
    truncated: text.length > MAX_SHOWN_BODY,
    upstreamRequest,
  };
}
