import { z } from "zod";

import { decodeJsonHeader } from "./encoding";
import { ProtocolError } from "./errors";

// The x402 shapes the client reads, in both protocol generations, normalised to one requirement
// type. Pure: no I/O.

const requirementV1 = z.object({
  scheme: z.string(),
  network: z.string(),
  maxAmountRequired: z.string().regex(/^\d+$/),
  resource: z.string(),
  description: z.string().optional(),
  mimeType: z.string().optional(),
  payTo: z.string(),
  maxTimeoutSeconds: z.number().int().positive(),
  asset: z.string(),
  extra: z.record(z.string(), z.unknown()).nullish(),
});

const requirementV2 = z.object({
  scheme: z.string(),
  network: z.string(),
  amount: z.string().regex(/^\d+$/),
  asset: z.string(),
  payTo: z.string(),
  maxTimeoutSeconds: z.number().int().positive(),
  extra: z.record(z.string(), z.unknown()).nullish(),
});

const paymentRequiredV1 = z.object({
  x402Version: z.literal(1),
  error: z.string().optional(),
  accepts: z.array(requirementV1),
});
const paymentRequiredV2 = z.object({
  x402Version: z.literal(2),
  error: z.string().optional(),
  resource: z.object({ url: z.string() }).passthrough(),
  accepts: z.array(requirementV2),
  extensions: z.record(z.string(), z.unknown()).optional(),
});

export type PaymentRequirement = {
  x402Version: 1 | 2;
  scheme: string;
  /** as the server named it: a v1 name ("base") or a CAIP-2 id ("eip155:8453") */
  network: string;
  chainId: number | null;
  asset: `0x${string}`;
  /** atomic units */
  amount: bigint;
  payTo: `0x${string}`;
  maxTimeoutSeconds: number;
  extra: Record<string, unknown>;
  resource: string;
  /** the server's object, echoed back in a v2 payment */
  raw: Record<string, unknown>;
};

export type PaymentRequired = {
  x402Version: 1 | 2;
  error?: string;
  resource: Record<string, unknown> | null;
  accepts: PaymentRequirement[];
  /** v2 extensions the server declared (e.g. sign-in-with-x) */
  extensions?: Record<string, unknown>;
};

/** x402 v1 network names and their chains (the EVM ones). */
export const V1_NETWORKS: Record<string, number> = {
  base: 8453,
  "base-sepolia": 84532,
  ethereum: 1,
  sepolia: 11155111,
  polygon: 137,
  "polygon-amoy": 80002,
  avalanche: 43114,
  "avalanche-fuji": 43113,
  optimism: 10,
  arbitrum: 42161,
};

export function chainIdOf(network: string): number | null {
  const caip = /^eip155:(\d+)$/.exec(network);
  if (caip) return Number(caip[1]);
  return V1_NETWORKS[network] ?? null;
}

const address = (value: string) =>
  /^0x[0-9a-fA-F]{40}$/.test(value) ? (value.toLowerCase() as `0x${string}`) : null;

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "malformed";
}

/**
 * The requirements of a 402: the v2 PAYMENT-REQUIRED header when present, else the JSON body (v1 or
 * v2). Throws ProtocolError when neither is valid x402.
 */
export function parsePaymentRequired(
  header: string | null,
  body: unknown,
  url: string,
): PaymentRequired {
  if (header) {
    let decoded: unknown;
    try {
      decoded = decodeJsonHeader(header);
    } catch (err) {
      throw new ProtocolError("The PAYMENT-REQUIRED header is not base64-encoded JSON", {
        cause: err,
      });
    }
    const v2 = paymentRequiredV2.safeParse(decoded);
    if (!v2.success)
      throw new ProtocolError(
        `The PAYMENT-REQUIRED header is not a valid x402 v2 PaymentRequired (${issueText(v2.error)})`,
      );
    return fromV2(v2.data);
  }
  const version = (body as { x402Version?: unknown } | null)?.x402Version;
  if (version === 2) {
    const v2 = paymentRequiredV2.safeParse(body);
    if (!v2.success)
      throw new ProtocolError(
        `The 402 body is not a valid x402 v2 PaymentRequired (${issueText(v2.error)})`,
      );
    return fromV2(v2.data);
  }
  if (version === 1) {
    const v1 = paymentRequiredV1.safeParse(body);
    if (!v1.success)
      throw new ProtocolError(
        `The 402 body is not a valid x402 v1 PaymentRequired (${issueText(v1.error)})`,
      );
    return {
      x402Version: 1,
      error: v1.data.error,
      resource: null,
      accepts: v1.data.accepts.flatMap((r) => {
        const asset = address(r.asset);
        const payTo = address(r.payTo);
        if (!asset || !payTo) return [];
        return [
          {
            x402Version: 1 as const,
            scheme: r.scheme,
            network: r.network,
            chainId: chainIdOf(r.network),
            asset,
            amount: BigInt(r.maxAmountRequired),
            payTo,
            maxTimeoutSeconds: r.maxTimeoutSeconds,
            extra: r.extra ?? {},
            resource: r.resource || url,
            raw: r,
          },
        ];
      }),
    };
  }
  throw new ProtocolError(
    "The server answered 402 without x402 payment requirements (no PAYMENT-REQUIRED header, no x402Version in the body)",
  );
}

function fromV2(data: z.infer<typeof paymentRequiredV2>): PaymentRequired {
  return {
    x402Version: 2,
    error: data.error,
    resource: data.resource,
    extensions: data.extensions,
    accepts: data.accepts.flatMap((r) => {
      const asset = address(r.asset);
      const payTo = address(r.payTo);
      if (!asset || !payTo) return [];
      return [
        {
          x402Version: 2 as const,
          scheme: r.scheme,
          network: r.network,
          chainId: chainIdOf(r.network),
          asset,
          amount: BigInt(r.amount),
          payTo,
          maxTimeoutSeconds: r.maxTimeoutSeconds,
          extra: r.extra ?? {},
          resource: data.resource.url,
          raw: r,
        },
      ];
    }),
  };
}

/** The reason a server gave when it refused a payment (a 402 after paying). */
export function rejectionReason(
  header: string | null,
  body: unknown,
): { reason: string; message?: string } {
  const fromBody = body as { error?: unknown; errorMessage?: unknown } | null;
  if (fromBody && typeof fromBody.error === "string") {
    return {
      reason: fromBody.error,
      message: typeof fromBody.errorMessage === "string" ? fromBody.errorMessage : undefined,
    };
  }
  if (header) {
    try {
      const decoded = decodeJsonHeader(header) as { error?: unknown };
      if (typeof decoded.error === "string") return { reason: decoded.error };
    } catch {
      // no readable reason in the header either
    }
  }
  return { reason: "unknown" };
}

export const settlementSchema = z.object({
  success: z.boolean(),
  transaction: z.string(),
  network: z.string(),
  payer: z.string().optional(),
  errorReason: z.string().optional(),
  /**
   * what the call was charged, in atomic units, where it may differ from the price (`upto`: what
   * the call used); other schemes may send it empty (batch-settlement: nothing moved on chain yet)
   */
  amount: z.string().optional(),
});
export type Settlement = z.infer<typeof settlementSchema>;

export function parseSettlement(header: string): Settlement {
  let decoded: unknown;
  try {
    decoded = decodeJsonHeader(header);
  } catch (err) {
    throw new ProtocolError("The payment response header is not base64-encoded JSON", {
      cause: err,
    });
  }
  const parsed = settlementSchema.safeParse(decoded);
  if (!parsed.success)
    throw new ProtocolError(
      `The payment response header is not a settlement response (${issueText(parsed.error)})`,
    );
  return parsed.data;
}
