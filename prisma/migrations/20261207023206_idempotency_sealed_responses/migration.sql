-- AlterTable
ALTER TABLE "ApiIdempotencyKey" ADD COLUMN     "responseCiphertext" TEXT,
ADD COLUMN     "responseKeyId" TEXT;
