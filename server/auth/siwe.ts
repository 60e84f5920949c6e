import { verifyMessage } from "viem";
import { parseSiweMessage, validateSiweMessage } from "viem/siwe";

export type SiweVerification = { ok: true; address: string } | { ok: false; reason: string };

/**
 * Verifies a Sign-In with Ethereum (EIP-4361) message: our domain, the nonce we issued (next-auth's
 * CSRF token, as RainbowKit's SIWE adapter uses), its time window, and an EOA signature.
 */
export async function verifySiweSignIn(opts: {
  message: string;
  signature: `0x${string}`;
  expectedDomain: string;
  expectedNonce: string;
  now: Date;
}): Promise<SiweVerification> {
  const fields = parseSiweMessage(opts.message);
  if (!fields.address || !fields.nonce || !fields.domain)
    return { ok: false, reason: "malformed_message" };
  const valid = validateSiweMessage({
    message: fields,
    domain: opts.expectedDomain,
    nonce: opts.expectedNonce,
    time: opts.now,
  });
  if (!valid) return { ok: false, reason: "message_mismatch" };
  const signed = await verifyMessage({
    address: fields.address,
    message: opts.message,
    signature: opts.signature,
  }).catch(() => false);
  if (!signed) return { ok: false, reason: "bad_signature" };
  return { ok: true, address: fields.address.toLowerCase() };
}
