-- AlterTable
ALTER TABLE "PricingRule" ADD COLUMN     "caseInsensitive" BOOLEAN NOT NULL DEFAULT false;
