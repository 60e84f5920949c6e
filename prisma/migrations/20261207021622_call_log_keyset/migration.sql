-- The call log's keyset order (server/billing/calls.ts). The new index is created before the old
-- one is dropped, so no moment of the migration leaves (merchantId, createdAt) reads without one.

-- CreateIndex
CREATE INDEX "UsageRecord_merchantId_createdAt_id_idx" ON "UsageRecord"("merchantId", "createdAt", "id");

-- DropIndex
DROP INDEX "UsageRecord_merchantId_createdAt_idx";
