-- CreateEnum
CREATE TYPE "UpstreamCredentialLocation" AS ENUM ('HEADER', 'QUERY');

-- CreateTable
CREATE TABLE "GatewaySigningSecret" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "secretCiphertext" TEXT NOT NULL,
    "secretKeyId" TEXT NOT NULL,
    "revealedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GatewaySigningSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpstreamCredential" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "ruleId" TEXT,
    "location" "UpstreamCredentialLocation" NOT NULL,
    "name" TEXT NOT NULL,
    "valueCiphertext" TEXT NOT NULL,
    "valueKeyId" TEXT NOT NULL,
    "maskedValue" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UpstreamCredential_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "GatewaySigningSecret_merchantId_generation_key" ON "GatewaySigningSecret"("merchantId", "generation");

-- CreateIndex
CREATE INDEX "UpstreamCredential_merchantId_createdAt_idx" ON "UpstreamCredential"("merchantId", "createdAt");

-- AddForeignKey
ALTER TABLE "GatewaySigningSecret" ADD CONSTRAINT "GatewaySigningSecret_merchantId_fkey" FOREIGN KEY ("merchantId") REFERENCES "Merchant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpstreamCredential" ADD CONSTRAINT "UpstreamCredential_merchantId_fkey" FOREIGN KEY ("merchantId") REFERENCES "Merchant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpstreamCredential" ADD CONSTRAINT "UpstreamCredential_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "PricingRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;
