-- AlterEnum
ALTER TYPE "PaymentStatus" ADD VALUE 'ACCRUED';

-- AlterEnum
ALTER TYPE "SettlementPolicy" ADD VALUE 'BATCH';

-- AlterTable
ALTER TABLE "Merchant" ADD COLUMN     "batchMaxAgeSeconds" INTEGER NOT NULL DEFAULT 300,
ADD COLUMN     "batchMaxCalls" INTEGER NOT NULL DEFAULT 100;

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "batchRunId" TEXT;

-- CreateTable
CREATE TABLE "BatchChannel" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "network" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "payer" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "chargedCumulative" DECIMAL(78,0) NOT NULL,
    "claimedCumulative" DECIMAL(78,0) NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BatchChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BatchSettlementRun" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "network" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "claims" JSONB NOT NULL,
    "claimTxHash" TEXT,
    "settleTxHash" TEXT,
    "calls" INTEGER NOT NULL,
    "amountAtomic" DECIMAL(78,0) NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BatchSettlementRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BatchChannel_merchantId_network_receiver_asset_idx" ON "BatchChannel"("merchantId", "network", "receiver", "asset");

-- CreateIndex
CREATE UNIQUE INDEX "BatchChannel_merchantId_network_receiver_channelId_key" ON "BatchChannel"("merchantId", "network", "receiver", "channelId");

-- CreateIndex
CREATE INDEX "BatchSettlementRun_status_updatedAt_idx" ON "BatchSettlementRun"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "BatchSettlementRun_merchantId_createdAt_idx" ON "BatchSettlementRun"("merchantId", "createdAt");

-- CreateIndex
CREATE INDEX "Payment_settlementPolicy_status_batchRunId_idx" ON "Payment"("settlementPolicy", "status", "batchRunId");

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_batchRunId_fkey" FOREIGN KEY ("batchRunId") REFERENCES "BatchSettlementRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BatchChannel" ADD CONSTRAINT "BatchChannel_merchantId_fkey" FOREIGN KEY ("merchantId") REFERENCES "Merchant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BatchSettlementRun" ADD CONSTRAINT "BatchSettlementRun_merchantId_fkey" FOREIGN KEY ("merchantId") REFERENCES "Merchant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

