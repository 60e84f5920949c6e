import {
  buildSIWxSchema,
  parseSIWxHeader,
  SIGN_IN_WITH_X,
  validateSIWxMessage,
  verifySIWxSignature,
  type EVMMessageVerifier,
} from "@x402/extensions/sign-in-with-x";

import { Prisma, type PrismaClient } from "@/server/db";

// Sign-In-With-X (the @x402/extensions convention): how a wallet that already bought a bundle or a
// time pass proves it is that wallet on a later call instead of paying again. The 402 declares the
// challenge; the client answers in a SIGN-IN-WITH-X header; we check the proof with the official
// validators, bind it to our origin and to the requested resource, and accept each nonce once.

export const SIWX_HEADER = SIGN_IN_WITH_X;
export const SIWX_MAX_AGE_MS = 5 * 60_000;

/** The 402's `extensions["sign-in-with-x"]` for a resource (pure: nonce and time are passed in). */
export function siwxDeclaration(opts: {
  appUrl: string;
  resourceUrl: string;
  network: string;
  nonce: string;
  issuedAt: Date;
  statement: string;
}) {
  return {
    info: {
      domain: new URL(opts.appUrl).host,
      uri: opts.resourceUrl,
      version: "1",
      nonce: opts.nonce,
      issuedAt: opts.issuedAt.toISOString(),
      statement: opts.statement,
      resources: [opts.resourceUrl],
    },
    supportedChains: [{ chainId: opts.network, type: "eip191" as const }],
    schema: buildSIWxSchema(),
  };
}

export type SiwxCheck =
  { ok: true; address: string } | { ok: false; reason: string; message: string };

const withoutQuery = (url: string) => url.split(/[?#]/)[0] ?? url;

export async function verifySiwxProof(
  deps: { db: PrismaClient },
  opts: {
    header: string;
    appUrl: string;
    resourceUrl: string;
    network: string;
    merchantId: string;
    now: Date;
    verifier?: EVMMessageVerifier;
  },
): Promise<SiwxCheck> {
  let payload: ReturnType<typeof parseSIWxHeader>;
  try {
    payload = parseSIWxHeader(opts.header);
  } catch (err) {
    return {
      ok: false,
      reason: "invalid_siwx_payload",
      message: err instanceof Error ? err.message : "Invalid SIGN-IN-WITH-X header",
    };
  }
  const valid = await validateSIWxMessage(payload, new URL(opts.appUrl), {
    maxAge: SIWX_MAX_AGE_MS,
  });
  if (!valid.isValid)
    return { ok: false, reason: valid.invalidReason, message: valid.invalidMessage };
  // bound to this resource, not only to our origin: a proof for one path does not open another
  const resources = [payload.uri, ...(payload.resources ?? [])].map(withoutQuery);
  if (!resources.includes(withoutQuery(opts.resourceUrl))) {
    return {
      ok: false,
      reason: "invalid_siwx_uri_mismatch",
      message: `The proof is for ${payload.uri}, not ${opts.resourceUrl}`,
    };
  }
  if (payload.chainId !== opts.network) {
    return {
      ok: false,
      reason: "invalid_siwx_chain_id",
      message: `The proof is for ${payload.chainId}; this resource is paid on ${opts.network}`,
    };
  }
  const signature = await verifySIWxSignature(payload, { evmVerifier: opts.verifier });
  if (!signature.isValid)
    return {
      ok: false,
      reason: signature.invalidReason ?? "invalid_siwx_signature",
      message: signature.invalidMessage ?? "Invalid signature",
    };
  const address = payload.address.toLowerCase();
  try {
    await deps.db.siwxNonce.create({
      data: {
        nonce: `${address}:${payload.nonce}`,
        merchantId: opts.merchantId,
        address,
        expiresAt: new Date(new Date(payload.issuedAt).getTime() + SIWX_MAX_AGE_MS),
      },
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      return {
        ok: false,
        reason: "invalid_siwx_nonce",
        message: "This sign-in proof was already used",
      };
    }
    throw err;
  }
  return { ok: true, address };
}
