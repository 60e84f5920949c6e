import { AsyncLocalStorage } from "node:async_hooks";

import { HTTPFacilitatorClient } from "@x402/core/server";
import { SettleError, VerifyError } from "@x402/core/types";

import type { Log } from "@/server/observability/logger";

import {
  FACILITATOR_UNAVAILABLE,
  type Facilitator,
  type FacilitatorCallContext,
  type SettleResponse,
  type SupportedResponse,
  type VerifyResponse,
} from "../types";

// A hosted x402 facilitator (Coinbase's, x402.org's, or our own /api/facilitator on another
// deployment) over the standard HTTP API, through the official HTTP facilitator client. With CDP
// API keys configured, every call carries a Coinbase CDP JWT for the exact method and path.

export type HostedFacilitatorConfig = {
  url: string;
  cdpApiKeyId?: string;
  cdpApiKeySecret?: string;
  /** a static bearer token (another deployment's facilitator API, FACILITATOR_API_TOKENS there) */
  bearerToken?: string;
  timeoutMs?: number;
};

async function cdpAuthHeaders(
  config: HostedFacilitatorConfig,
): Promise<Record<string, Record<string, string>>> {
  if (!config.cdpApiKeyId || !config.cdpApiKeySecret) {
    if (!config.bearerToken) return {};
    const bearer = { Authorization: `Bearer ${config.bearerToken}` };
    return { verify: bearer, settle: bearer, supported: bearer };
  }
  const { generateJwt } = await import("@coinbase/cdp-sdk/auth");
  const url = new URL(config.url);
  const base = url.pathname.replace(/\/+$/, "");
  const headerFor = async (method: string, path: string) => ({
    Authorization: `Bearer ${await generateJwt({
      apiKeyId: config.cdpApiKeyId as string,
      apiKeySecret: config.cdpApiKeySecret as string,
      requestMethod: method,
      requestHost: url.host,
      requestPath: `${base}${path}`,
      expiresIn: 120,
    })}`,
    "Correlation-Context": "sdk_language=typescript,source=x402-gateway",
  });
  return {
    verify: await headerFor("POST", "/verify"),
    settle: await headerFor("POST", "/settle"),
    supported: await headerFor("GET", "/supported"),
  };
}

// The official client asks for headers per call without saying for which request: the call's
// context rides along in async-local storage so the facilitator receives our X-Request-Id.
const callContext = new AsyncLocalStorage<FacilitatorCallContext | undefined>();

function withRequestId(
  headers: Record<string, Record<string, string>>,
  requestId: string | undefined,
): Record<string, Record<string, string>> {
  if (!requestId) return headers;
  return Object.fromEntries(
    (["verify", "settle", "supported"] as const).map((path) => [
      path,
      { ...headers[path], "X-Request-Id": requestId },
    ]),
  );
}

export function createHostedFacilitator(
  config: HostedFacilitatorConfig,
  deps: { log: Log },
): Facilitator {
  const client = new HTTPFacilitatorClient({
    url: config.url.replace(/\/+$/, ""),
    timeoutMs: config.timeoutMs ?? 30_000,
    createAuthHeaders: async () =>
      withRequestId(await cdpAuthHeaders(config), callContext.getStore()?.requestId),
  });
  return {
    kind: "HOSTED",
    async verify(payload, requirements, context): Promise<VerifyResponse> {
      try {
        return await callContext.run(context, () => client.verify(payload, requirements));
      } catch (err) {
        // a facilitator that answers 4xx with a verify body still gave us its verdict
        if (err instanceof VerifyError)
          return {
            isValid: false,
            invalidReason: err.invalidReason ?? "invalid_payload",
            invalidMessage: err.invalidMessage,
            payer: err.payer,
          };
        deps.log.warn({ err, url: config.url }, "hosted facilitator verify failed");
        return {
          isValid: false,
          invalidReason: FACILITATOR_UNAVAILABLE,
          invalidMessage: err instanceof Error ? err.message : String(err),
        };
      }
    },
    async settle(payload, requirements, context): Promise<SettleResponse> {
      try {
        return await callContext.run(context, () => client.settle(payload, requirements));
      } catch (err) {
        if (err instanceof SettleError) {
          return {
            success: false,
            errorReason: err.errorReason ?? "invalid_transaction_state",
            errorMessage: err.errorMessage,
            payer: err.payer,
            transaction: err.transaction ?? "",
            network: err.network ?? requirements.network,
          };
        }
        deps.log.warn({ err, url: config.url }, "hosted facilitator settle failed");
        return {
          success: false,
          errorReason: FACILITATOR_UNAVAILABLE,
          errorMessage: err instanceof Error ? err.message : String(err),
          transaction: "",
          network: requirements.network,
        };
      }
    },
    supported: (): Promise<SupportedResponse> => client.getSupported(),
  };
}
