// Error text from the chain side quotes what was sent: viem's contract and transaction errors list
// a call's arguments (an EIP-3009 authorization with its signature, or its r and s) and the
// encoded calldata or signed transaction. None of that may reach a log line or a stored message.
// Pure; see log-redaction.test.ts.

/** 65 bytes and longer: signatures, calldata, signed transactions (hashes and nonces are 32, addresses 20). */
const HEX_BLOB = /0x[0-9a-fA-F]{130,}/g;
/** viem's "args: (…)" line of a contract call, where r and s of a split signature are 32 bytes each. */
const CALL_ARGS = /args:\s*\([^)]*\)/g;
/** structured copies of the same call on viem's error objects */
const CALL_FIELDS = new Set([
  "args",
  "abi",
  "data",
  "calldata",
  "request",
  "serializedTransaction",
]);

/** The text with call arguments and long hex values replaced. */
export function redactChainText(text: string): string {
  return text
    .replace(CALL_ARGS, "args: [redacted]")
    .replace(HEX_BLOB, (blob) => `0x[redacted ${(blob.length - 2) / 2} bytes]`);
}

/** A serialised error (or any JSON-ish value) with call fields dropped and every string redacted. */
export function redactChainDetails(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactChainText(value);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactChainDetails(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (CALL_FIELDS.has(key)) continue;
    out[key] = redactChainDetails(v, depth + 1);
  }
  return out;
}
