-- AlterTable
ALTER TABLE "Merchant" ADD COLUMN     "discoverable" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "PricingRule" ADD COLUMN     "inputSchema" JSONB,
ADD COLUMN     "outputSchema" JSONB;
