-- AlterTable
ALTER TABLE "Adjustment" ADD COLUMN     "signedTx" TEXT;
