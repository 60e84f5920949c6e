-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "receipt" JSONB;

-- CreateTable
CREATE TABLE "ReceiptSigningKey" (
    "id" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "algorithm" TEXT NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "privateKeyCiphertext" TEXT NOT NULL,
    "privateKeyKeyId" TEXT NOT NULL,
    "retiredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReceiptSigningKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReceiptSigningKey_generation_key" ON "ReceiptSigningKey"("generation");
