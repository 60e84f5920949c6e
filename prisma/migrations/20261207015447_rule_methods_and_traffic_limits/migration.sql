-- Issue #20: a pricing rule names one method, several, or ANY; a merchant chooses what happens to
-- a priced path's other methods; rate limits per client and per payer, unpaid and paid apart.
-- Existing rules keep the one method they had, and existing merchants keep serving unpriced
-- methods free (PROXY_FREE); merchants created from now on refuse them (REFUSE).

-- CreateEnum
CREATE TYPE "UnmatchedMethods" AS ENUM ('PROXY_FREE', 'REFUSE');

-- DropIndex
DROP INDEX "PricingRule_merchantId_method_pathPattern_key";

-- AlterTable
ALTER TABLE "Merchant" ADD COLUMN     "clientRateLimitPerMinute" INTEGER NOT NULL DEFAULT 120,
ADD COLUMN     "paidRateLimitPerMinute" INTEGER NOT NULL DEFAULT 6000,
ADD COLUMN     "payerRateLimitPerMinute" INTEGER NOT NULL DEFAULT 600,
ADD COLUMN     "unmatchedMethods" "UnmatchedMethods" NOT NULL DEFAULT 'PROXY_FREE';
ALTER TABLE "Merchant" ALTER COLUMN "unmatchedMethods" SET DEFAULT 'REFUSE';

-- AlterTable
ALTER TABLE "PricingRule" ADD COLUMN     "methods" "HttpMethod"[] DEFAULT ARRAY['ANY']::"HttpMethod"[];
UPDATE "PricingRule" SET "methods" = ARRAY["method"];
ALTER TABLE "PricingRule" DROP COLUMN "method";

-- CreateIndex
CREATE INDEX "PricingRule_merchantId_pathPattern_idx" ON "PricingRule"("merchantId", "pathPattern");
