-- CreateEnum
CREATE TYPE "RiskBlockKind" AS ENUM ('PAYER', 'CLIENT_IP');

-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "acknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "acknowledgedBy" TEXT,
ADD COLUMN     "resolvedBy" TEXT;

-- CreateTable
CREATE TABLE "PlatformSecret" (
    "id" TEXT NOT NULL,
    "valueCiphertext" TEXT NOT NULL,
    "valueKeyId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskBlock" (
    "id" TEXT NOT NULL,
    "kind" "RiskBlockKind" NOT NULL,
    "value" TEXT NOT NULL,
    "activeKey" TEXT,
    "reason" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,

    CONSTRAINT "RiskBlock_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RiskBlock_activeKey_key" ON "RiskBlock"("activeKey");

-- CreateIndex
CREATE INDEX "RiskBlock_revokedAt_createdAt_idx" ON "RiskBlock"("revokedAt", "createdAt");
