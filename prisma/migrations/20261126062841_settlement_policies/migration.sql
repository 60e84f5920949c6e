-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "deferredSettlement" JSONB,
ADD COLUMN     "refundDueReason" TEXT;

-- CreateTable
CREATE TABLE "PaymentOutcome" (
    "paymentId" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "headers" JSONB NOT NULL,
    "body" BYTEA,
    "paymentResponseName" TEXT NOT NULL,
    "paymentResponseValue" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PaymentOutcome_pkey" PRIMARY KEY ("paymentId")
);

-- CreateTable
CREATE TABLE "PayerFlag" (
    "id" TEXT NOT NULL,
    "payer" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "paymentId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PayerFlag_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PaymentOutcome_merchantId_createdAt_idx" ON "PaymentOutcome"("merchantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PayerFlag_paymentId_key" ON "PayerFlag"("paymentId");

-- CreateIndex
CREATE INDEX "PayerFlag_payer_idx" ON "PayerFlag"("payer");

-- CreateIndex
CREATE INDEX "PayerFlag_merchantId_createdAt_idx" ON "PayerFlag"("merchantId", "createdAt");

-- CreateIndex
CREATE INDEX "Payment_status_settlementPolicy_nextSettleAt_idx" ON "Payment"("status", "settlementPolicy", "nextSettleAt");

-- AddForeignKey
ALTER TABLE "PaymentOutcome" ADD CONSTRAINT "PaymentOutcome_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PayerFlag" ADD CONSTRAINT "PayerFlag_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
