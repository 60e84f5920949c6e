import type { JsonWebKey } from "node:crypto";

// The platform's receipt keys as a did:web document (W3C DID Core + did:web): the kid of every
// offer and receipt is `did:web:<gateway host>#<key id>`, and /.well-known/did.json on the gateway's
// origin lists every key that ever signed, so the package's `verifyReceiptSignatureJWS` (which
// resolves did:web kids itself) and our SDK find the key of an old receipt after a rotation. The
// did:web host is the host of every resourceUrl we sign for: that binding is what authorises the
// key for the resource (spec §4.5.1).

export type PublishedKey = {
  id: string;
  publicJwk: JsonWebKey;
  /** null for the key that signs now */
  retiredAt: Date | null;
  createdAt: Date;
};

/** did:web of the gateway's origin (a port is percent-encoded, as did:web requires). */
export function didWebOf(gatewayUrl: string): string {
  return `did:web:${encodeURIComponent(new URL(gatewayUrl).host)}`;
}

export function kidOf(did: string, keyId: string): string {
  return `${did}#${keyId}`;
}

export type DidDocument = {
  "@context": string[];
  id: string;
  verificationMethod: {
    id: string;
    type: "JsonWebKey2020";
    controller: string;
    publicKeyJwk: JsonWebKey;
  }[];
  assertionMethod: string[];
};

/** The document: the signing key first, then retired ones newest first (all may have signed receipts). */
export function didDocument(did: string, keys: readonly PublishedKey[]): DidDocument {
  const ordered = [...keys].sort(
    (a, b) =>
      Number(a.retiredAt !== null) - Number(b.retiredAt !== null) ||
      b.createdAt.getTime() - a.createdAt.getTime(),
  );
  const methods = ordered.map((key) => ({
    id: kidOf(did, key.id),
    type: "JsonWebKey2020" as const,
    controller: did,
    publicKeyJwk: key.publicJwk,
  }));
  return {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((m) => m.id),
  };
}
