import { PaymentPayloadSchema, PaymentRequirementsSchema } from "@x402/core/schemas";
import { z } from "zod";

import { errorResponse, json } from "@/server/http/respond";
import { requestIdFrom } from "@/server/http/request-id";
import type { Log } from "@/server/observability/logger";

import type { Facilitator, PaymentPayload, PaymentRequirements } from "./types";

// Our self-hosted facilitator behind the standard x402 facilitator HTTP API, so any x402 resource
// server (x402-next, @x402/next, @x402/express, …) can verify and settle through it.

const facilitatorRequest = z.object({
  x402Version: z.union([z.literal(1), z.literal(2)]),
  paymentPayload: z.unknown(),
  paymentRequirements: z.unknown(),
});

type ParsedRequest = { ok: true; payload: PaymentPayload; requirements: PaymentRequirements } | { ok: false; response: Response };

async function parseRequest(req: Request, requestId: string): Promise<ParsedRequest> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return { ok: false, response: errorResponse("invalid_request", "The body must be JSON", { requestId }) };
  }
  const envelope = facilitatorRequest.safeParse(body);
  if (!envelope.success) {
    return { ok: false, response: errorResponse("invalid_request", "Expected { x402Version, paymentPayload, paymentRequirements }", { requestId, details: z.flattenError(envelope.error) }) };
  }
  const payload = PaymentPayloadSchema.safeParse(envelope.data.paymentPayload);
  const requirements = PaymentRequirementsSchema.safeParse(envelope.data.paymentRequirements);
  if (!payload.success || !requirements.success) {
    const issue = (payload.success ? undefined : payload.error.issues[0]) ?? (requirements.success ? undefined : requirements.error.issues[0]);
    return {
      ok: false,
      response: errorResponse("invalid_request", `Invalid ${payload.success ? "paymentRequirements" : "paymentPayload"}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "malformed"}`, { requestId }),
    };
  }
  return { ok: true, payload: payload.data as PaymentPayload, requirements: requirements.data as PaymentRequirements };
}

function unavailable(requestId: string): Response {
  return errorResponse("service_unavailable", "The self-hosted facilitator is not configured on this deployment (FACILITATOR_PRIVATE_KEY)", { requestId });
}

export async function handleFacilitatorVerify(deps: { facilitator: Facilitator | null; log: Log }, req: Request): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  if (!deps.facilitator) return unavailable(requestId);
  const parsed = await parseRequest(req, requestId);
  if (!parsed.ok) return parsed.response;
  return json(await deps.facilitator.verify(parsed.payload, parsed.requirements, { requestId }));
}

export async function handleFacilitatorSettle(deps: { facilitator: Facilitator | null; log: Log }, req: Request): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  if (!deps.facilitator) return unavailable(requestId);
  const parsed = await parseRequest(req, requestId);
  if (!parsed.ok) return parsed.response;
  const result = await deps.facilitator.settle(parsed.payload, parsed.requirements, { requestId });
  return json(result);
}

export async function handleFacilitatorSupported(deps: { facilitator: Facilitator | null; log: Log }, req: Request): Promise<Response> {
  if (!deps.facilitator) return unavailable(requestIdFrom(req.headers));
  return json(await deps.facilitator.supported());
}
