-- CreateEnum
CREATE TYPE "MeteringFallback" AS ENUM ('CEILING', 'REFUSE');

-- AlterTable
ALTER TABLE "PricingRule" ADD COLUMN     "meteringHeader" TEXT,
ADD COLUMN     "meteringFallback" "MeteringFallback" NOT NULL DEFAULT 'CEILING';
