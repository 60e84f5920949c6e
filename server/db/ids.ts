import { randomBytes } from "node:crypto";

// Prefixed, opaque ids (STYLE 2.6). Merchant ids appear in gateway URLs, so their alphabet is
// URL-safe lower-case and their prefix can never collide with the app's reserved top-level segments.

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export const ID_PREFIXES = {
  user: "usr",
  merchant: "mer",
  membership: "mem",
  invitation: "inv",
  pricingRule: "rule",
  pricingRuleOption: "ropt",
  apiKey: "key",
  payment: "pay",
  usage: "use",
  entitlement: "ent",
  payerFlag: "flag",
  webhookEndpoint: "wh",
  webhookDelivery: "whd",
  webhookAttempt: "wha",
  feeTemplate: "fee",
  feeTemplateVersion: "feev",
  ledgerEntry: "led",
  adjustment: "adj",
  settlementRun: "run",
  payout: "pout",
  audit: "aud",
  alert: "alr",
  request: "req",
  signingSecret: "gss",
  upstreamCredential: "ucr",
  idempotencyKey: "idem",
  riskBlock: "blk",
  receiptKey: "rsk",
  batchChannel: "bch",
  batchSettlementRun: "bsr",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** The shape of every merchant id: `mer_` + 20 base36 characters. */
export { MERCHANT_ID_PATTERN } from "./id-patterns";

// ids and nonces are minted on every gateway request (request id, access-log row, the upstream
// signature's nonce): draw them from a pool of CSPRNG bytes refilled 4 KiB at a time instead of a
// getrandom call each (a CPU profile of the free path measured ~13 µs for each 16-byte call)
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

/** The offset of `length` fresh bytes in `pool` (refilled when they would run past its end). */
function take(length: number): number {
  if (poolOffset + length > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += length;
  return at;
}

export function randomId(length = 20): string {
  const at = take(length);
  let out = "";
  for (let i = at; i < at + length; i++) out += ALPHABET[(pool[i] as number) % 36];
  return out;
}

/** `byteCount` random bytes as lower-case hex (nonces; each byte is used once). */
export function randomHex(byteCount: number): string {
  const at = take(byteCount);
  return pool.toString("hex", at, at + byteCount);
}

export function createId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomId()}`;
}
