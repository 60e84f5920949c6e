-- Secrets at rest: merchant payout addresses, payment destinations (and the signed payloads that
-- name them), payout destinations (and their stored signed transactions) and users' wallet
-- addresses are stored sealed (AES-256-GCM) with
-- the id of the key that sealed them. SQL cannot seal (the key lives in the app's environment), so
-- existing clear values move to legacy* columns and the new columns start empty; `npm run
-- db:migrate` then seals every legacy value and clears it (server/keys/seal-legacy.ts) before it
-- returns. The legacy columns are dropped by a later migration.

-- AlterTable
ALTER TABLE "User" RENAME COLUMN "walletAddress" TO "legacyWalletAddress";
DROP INDEX "User_walletAddress_key";
ALTER TABLE "User" ADD COLUMN "walletAddressCiphertext" TEXT,
ADD COLUMN "walletAddressHash" TEXT,
ADD COLUMN "walletAddressKeyId" TEXT;

-- AlterTable
ALTER TABLE "Merchant" RENAME COLUMN "payoutAddress" TO "legacyPayoutAddress";
ALTER TABLE "Merchant" ALTER COLUMN "legacyPayoutAddress" DROP NOT NULL,
ADD COLUMN "payoutAddressCiphertext" TEXT NOT NULL DEFAULT '',
ADD COLUMN "payoutAddressHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN "payoutAddressKeyId" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Merchant" ALTER COLUMN "payoutAddressCiphertext" DROP DEFAULT,
ALTER COLUMN "payoutAddressHash" DROP DEFAULT,
ALTER COLUMN "payoutAddressKeyId" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Payment" RENAME COLUMN "payTo" TO "legacyPayTo";
ALTER TABLE "Payment" RENAME COLUMN "payloadEncoded" TO "legacyPayloadEncoded";
ALTER TABLE "Payment" ALTER COLUMN "legacyPayTo" DROP NOT NULL,
ALTER COLUMN "legacyPayloadEncoded" DROP NOT NULL,
ADD COLUMN "payToCiphertext" TEXT NOT NULL DEFAULT '',
ADD COLUMN "payToKeyId" TEXT NOT NULL DEFAULT '',
ADD COLUMN "payloadCiphertext" TEXT NOT NULL DEFAULT '',
ADD COLUMN "payloadKeyId" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Payment" ALTER COLUMN "payToCiphertext" DROP DEFAULT,
ALTER COLUMN "payToKeyId" DROP DEFAULT,
ALTER COLUMN "payloadCiphertext" DROP DEFAULT,
ALTER COLUMN "payloadKeyId" DROP DEFAULT;
-- a queued DEFERRED payment keeps its requirements for the settlement; their payTo is the sealed
-- column now (the queue puts it back when it settles)
UPDATE "Payment" SET "deferredSettlement" = "deferredSettlement" #- '{requirements,payTo}'
 WHERE "deferredSettlement" IS NOT NULL AND jsonb_typeof("deferredSettlement" -> 'requirements') = 'object';

-- AlterTable
ALTER TABLE "Payout" RENAME COLUMN "toAddress" TO "legacyToAddress";
ALTER TABLE "Payout" ALTER COLUMN "legacyToAddress" DROP NOT NULL,
ADD COLUMN "toAddressCiphertext" TEXT NOT NULL DEFAULT '',
ADD COLUMN "toAddressKeyId" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Payout" ALTER COLUMN "toAddressCiphertext" DROP DEFAULT,
ALTER COLUMN "toAddressKeyId" DROP DEFAULT;
-- the stored signed transaction's calldata names the payout address
ALTER TABLE "Payout" RENAME COLUMN "signedTx" TO "legacySignedTx";
ALTER TABLE "Payout" ADD COLUMN "signedTxCiphertext" TEXT,
ADD COLUMN "signedTxKeyId" TEXT;

-- CreateIndex
CREATE INDEX "Merchant_payoutAddressHash_idx" ON "Merchant"("payoutAddressHash");

-- CreateIndex
CREATE UNIQUE INDEX "User_walletAddressHash_key" ON "User"("walletAddressHash");
