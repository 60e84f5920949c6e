import { PaymentPayloadSchema, PaymentRequirementsSchema } from "@x402/core/schemas";
import { z } from "zod";

import type { EncryptionKeys } from "@/server/crypto/secrets";
import type { PrismaClient } from "@/server/db";
import type { ServerEnv } from "@/server/env";
import { clientIpFrom } from "@/server/http/client-ip";
import { errorResponse, json } from "@/server/http/respond";
import { requestIdFrom } from "@/server/http/request-id";
import type { NetworkRegistry } from "@/server/networks/config";
import type { Log } from "@/server/observability/logger";
import type { RateLimiter } from "@/server/rate-limit/limiter";

import {
  bearerOf,
  checkFacilitatorTarget,
  decideFacilitatorAccess,
  facilitatorApiAccess,
  type FacilitatorApiAccess,
  type FacilitatorApiEnv,
} from "./api-access";
import type { Facilitator, PaymentPayload, PaymentRequirements } from "./types";

// Our self-hosted facilitator behind the standard x402 facilitator HTTP API, so any x402 resource
// server (x402-next, @x402/next, @x402/express, …) can verify and settle through it, for callers
// this deployment knows (server/facilitator/api-access.ts).

export type FacilitatorApiDeps = {
  facilitator: Facilitator | null;
  log: Log;
  db: PrismaClient;
  env: FacilitatorApiEnv &
    EncryptionKeys &
    Pick<ServerEnv, "PLATFORM_PAYOUT_ADDRESS" | "FACILITATOR_API_RATE_LIMIT_PER_MINUTE">;
  networks: NetworkRegistry;
  rateLimiter: RateLimiter;
};

// parsed once per env object: the handlers run per request
const accessByEnv = new WeakMap<object, FacilitatorApiAccess>();

function accessFor(env: FacilitatorApiEnv): FacilitatorApiAccess {
  let access = accessByEnv.get(env);
  if (!access) accessByEnv.set(env, (access = facilitatorApiAccess(env)));
  return access;
}

/** Refuses the call (404 switched off, 401 unknown caller, 429 over its rate) or lets it through. */
async function admit(
  deps: FacilitatorApiDeps,
  req: Request,
  requestId: string,
): Promise<Response | null> {
  const decision = decideFacilitatorAccess(accessFor(deps.env), {
    bearer: bearerOf(req.headers),
    ip: clientIpFrom(req.headers),
  });
  if (!decision.ok) {
    if (decision.refusal === "disabled")
      return errorResponse(
        "not_found",
        "The facilitator API is switched off on this deployment (FACILITATOR_API_ENABLED)",
        { requestId },
      );
    const message =
      decision.refusal === "bad_token"
        ? "The bearer token is not valid for the facilitator API"
        : "Present a facilitator API token as a bearer token";
    return errorResponse("unauthorized", message, {
      requestId,
      headers: { "www-authenticate": 'Bearer realm="facilitator"' },
    });
  }
  const limit = await deps.rateLimiter.take(
    `facilitator:${decision.caller}`,
    deps.env.FACILITATOR_API_RATE_LIMIT_PER_MINUTE,
  );
  if (!limit.allowed) {
    return errorResponse("rate_limited", "Too many facilitator API calls", {
      requestId,
      details: { retryAfterSeconds: limit.retryAfterSeconds },
      headers: { "retry-after": String(limit.retryAfterSeconds) },
    });
  }
  return null;
}

/** 403 unless the requirements name a registry asset paid to one of this platform's payees. */
async function refuseForeignTarget(
  deps: FacilitatorApiDeps,
  requirements: PaymentRequirements,
  requestId: string,
): Promise<Response | null> {
  const refusal = await checkFacilitatorTarget(deps, requirements);
  if (!refusal) return null;
  deps.log.warn(
    { requestId, field: refusal.field },
    "facilitator API call refused: not a payment to this platform",
  );
  return errorResponse("forbidden", refusal.message, {
    requestId,
    details: { field: `paymentRequirements.${refusal.field}` },
  });
}

const facilitatorRequest = z.object({
  x402Version: z.union([z.literal(1), z.literal(2)]),
  paymentPayload: z.unknown(),
  paymentRequirements: z.unknown(),
});

type ParsedRequest =
  | { ok: true; payload: PaymentPayload; requirements: PaymentRequirements }
  | { ok: false; response: Response };

async function parseRequest(req: Request, requestId: string): Promise<ParsedRequest> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return {
      ok: false,
      response: errorResponse("invalid_request", "The body must be JSON", { requestId }),
    };
  }
  const envelope = facilitatorRequest.safeParse(body);
  if (!envelope.success) {
    return {
      ok: false,
      response: errorResponse(
        "invalid_request",
        "Expected { x402Version, paymentPayload, paymentRequirements }",
        { requestId, details: z.flattenError(envelope.error) },
      ),
    };
  }
  const payload = PaymentPayloadSchema.safeParse(envelope.data.paymentPayload);
  const requirements = PaymentRequirementsSchema.safeParse(envelope.data.paymentRequirements);
  if (!payload.success || !requirements.success) {
    const issue =
      (payload.success ? undefined : payload.error.issues[0]) ??
      (requirements.success ? undefined : requirements.error.issues[0]);
    return {
      ok: false,
      response: errorResponse(
        "invalid_request",
        `Invalid ${payload.success ? "paymentRequirements" : "paymentPayload"}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "malformed"}`,
        { requestId },
      ),
    };
  }
  return {
    ok: true,
    payload: payload.data as PaymentPayload,
    requirements: requirements.data as PaymentRequirements,
  };
}

function unavailable(requestId: string): Response {
  return errorResponse(
    "service_unavailable",
    "The self-hosted facilitator is not configured on this deployment (FACILITATOR_PRIVATE_KEY / FACILITATOR_PRIVATE_KEYS)",
    { requestId },
  );
}

/** POST /api/facilitator/verify */
export async function handleFacilitatorVerify(
  deps: FacilitatorApiDeps,
  req: Request,
): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  const refused = await admit(deps, req, requestId);
  if (refused) return refused;
  if (!deps.facilitator) return unavailable(requestId);
  const parsed = await parseRequest(req, requestId);
  if (!parsed.ok) return parsed.response;
  const foreign = await refuseForeignTarget(deps, parsed.requirements, requestId);
  if (foreign) return foreign;
  return json(await deps.facilitator.verify(parsed.payload, parsed.requirements, { requestId }));
}

/** POST /api/facilitator/settle */
export async function handleFacilitatorSettle(
  deps: FacilitatorApiDeps,
  req: Request,
): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  const refused = await admit(deps, req, requestId);
  if (refused) return refused;
  if (!deps.facilitator) return unavailable(requestId);
  const parsed = await parseRequest(req, requestId);
  if (!parsed.ok) return parsed.response;
  const foreign = await refuseForeignTarget(deps, parsed.requirements, requestId);
  if (foreign) return foreign;
  return json(await deps.facilitator.settle(parsed.payload, parsed.requirements, { requestId }));
}

/** GET /api/facilitator/supported */
export async function handleFacilitatorSupported(
  deps: FacilitatorApiDeps,
  req: Request,
): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  const refused = await admit(deps, req, requestId);
  if (refused) return refused;
  if (!deps.facilitator) return unavailable(requestId);
  return json(await deps.facilitator.supported());
}
