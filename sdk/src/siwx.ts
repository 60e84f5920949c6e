import { keccak_256 } from "@noble/hashes/sha3";

import { encodeJsonHeader } from "./encoding";
import { ProtocolError } from "./errors";
import type { PaymentSigner } from "./wallet";

// Sign-In-With-X (the @x402/extensions convention, CAIP-122 / EIP-4361 for EVM): how a wallet that
// bought a bundle or time pass proves itself on later calls instead of paying again.

export const SIWX_HEADER = "sign-in-with-x";

export type SiwxChallenge = {
  info: {
    domain: string;
    uri: string;
    version: string;
    nonce: string;
    issuedAt: string;
    statement?: string;
    expirationTime?: string;
    notBefore?: string;
    requestId?: string;
    resources?: string[];
  };
  supportedChains: { chainId: string; type: string }[];
};

export function readSiwxChallenge(
  extensions: Record<string, unknown> | undefined,
): SiwxChallenge | null {
  const ext = extensions?.["sign-in-with-x"] as Partial<SiwxChallenge> | undefined;
  if (
    !ext?.info ||
    !Array.isArray(ext.supportedChains) ||
    typeof ext.info.domain !== "string" ||
    typeof ext.info.nonce !== "string"
  )
    return null;
  return ext as SiwxChallenge;
}

/** EIP-55 mixed-case checksum, as sign-in messages require. */
export function toChecksumAddress(address: string): `0x${string}` {
  const lower = address.toLowerCase().replace(/^0x/, "");
  const hash = Array.from(keccak_256(new TextEncoder().encode(lower)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  let out = "0x";
  for (let i = 0; i < lower.length; i++)
    out +=
      Number.parseInt(hash[i] as string, 16) >= 8 ? (lower[i] as string).toUpperCase() : lower[i];
  return out as `0x${string}`;
}

/** The EIP-4361 text the wallet signs (line for line what SIWE verifiers rebuild). */
export function formatSiweMessage(
  fields: SiwxChallenge["info"] & { address: string; chainId: number },
): string {
  const lines = [
    `URI: ${fields.uri}`,
    `Version: ${fields.version}`,
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
  ];
  if (fields.issuedAt) lines.push(`Issued At: ${fields.issuedAt}`);
  if (fields.expirationTime) lines.push(`Expiration Time: ${fields.expirationTime}`);
  if (fields.notBefore) lines.push(`Not Before: ${fields.notBefore}`);
  if (fields.requestId !== undefined) lines.push(`Request ID: ${fields.requestId}`);
  if (fields.resources)
    lines.push(["Resources:", ...fields.resources.map((r) => `- ${r}`)].join("\n"));
  let head = [
    `${fields.domain} wants you to sign in with your Ethereum account:`,
    fields.address,
  ].join("\n");
  head =
    fields.statement === undefined ? `${head}\n\n` : `${[head, fields.statement].join("\n\n")}\n`;
  return [head, lines.join("\n")].join("\n");
}

/** Signs the server's challenge for `requestUrl`; refuses a challenge bound to another origin. */
export async function signSiwx(
  challenge: SiwxChallenge,
  network: string,
  signer: PaymentSigner,
  requestUrl: string,
): Promise<string> {
  const origin = new URL(requestUrl);
  if (
    challenge.info.domain !== origin.host ||
    new URL(challenge.info.uri).origin !== origin.origin
  ) {
    throw new ProtocolError(
      `The sign-in challenge is bound to ${challenge.info.domain}, not ${origin.host}; not signing it`,
    );
  }
  const chain =
    challenge.supportedChains.find((c) => c.chainId === network) ??
    challenge.supportedChains.find((c) => c.chainId.startsWith("eip155:"));
  if (!chain) throw new ProtocolError("The sign-in challenge offers no EVM chain");
  const chainId = Number(chain.chainId.slice("eip155:".length));
  const address = toChecksumAddress(await signer.address());
  const message = formatSiweMessage({ ...challenge.info, address, chainId });
  const signature = await signer.signMessage(message);
  return encodeJsonHeader({
    ...challenge.info,
    address,
    chainId: chain.chainId,
    type: "eip191",
    signature,
  });
}
