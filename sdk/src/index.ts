export {
  X402Client,
  type Entitlement,
  type PaymentQuote,
  type PaymentReceipt,
  type RequestOptions,
  type X402ClientOptions,
  type X402Response,
} from "./client";
export {
  AmountLimitError,
  NetworkError,
  PaymentRejectedError,
  PaymentRequiredError,
  ProtocolError,
  ResponseFormatError,
  UpstreamError,
  WalletError,
  X402Error,
  type RequirementRejection,
  type X402ErrorCode,
} from "./errors";
export { KNOWN_ASSETS, type AssetInfo } from "./amounts";
export { TRANSFER_WITH_AUTHORIZATION_TYPES } from "./eip3009";
export { paysThroughPermit2, permit2ApprovalTransaction } from "./permit2";
export {
  parsePaymentRequired,
  parseSettlement,
  type PaymentRequired,
  type PaymentRequirement,
  type Settlement,
} from "./protocol";
export { formatSiweMessage, toChecksumAddress } from "./siwx";
export type { Eip1193Provider, LocalAccountLike, Wallet, WalletClientLike } from "./wallet";
export {
  X402Admin,
  X402AdminError,
  type AdminBody,
  type AdminQuery,
  type AdminResponse,
  type X402AdminOptions,
} from "./admin/client";
export type {
  components as AdminComponents,
  operations as AdminOperations,
  paths as AdminPaths,
} from "./admin/schema";
export {
  receiptFromPaymentResponse,
  verifyReceipt,
  type ReceiptFailure,
  type ReceiptKeys,
  type ReceiptPayload,
  type ReceiptPublicKey,
  type ReceiptVerification,
  type SignedReceipt,
  type VerifyReceiptOptions,
} from "./receipt";
export { officialScheme, type OfficialSchemeClient, type SchemePayer } from "./schemes";
