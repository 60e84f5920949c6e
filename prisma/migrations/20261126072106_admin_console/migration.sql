-- CreateTable
CREATE TABLE "UsageDailyRollup" (
    "day" TIMESTAMP(3) NOT NULL,
    "merchantId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,
    "paidCalls" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "revenueAtomic" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "UsageDailyRollup_pkey" PRIMARY KEY ("day","merchantId","ruleId")
);

-- CreateTable
CREATE TABLE "PayerDailyRollup" (
    "day" TIMESTAMP(3) NOT NULL,
    "payer" TEXT NOT NULL,

    CONSTRAINT "PayerDailyRollup_pkey" PRIMARY KEY ("day","payer")
);

-- CreateTable
CREATE TABLE "LedgerDailyRollup" (
    "day" TIMESTAMP(3) NOT NULL,
    "merchantId" TEXT NOT NULL,
    "type" "LedgerEntryType" NOT NULL,
    "amountAtomic" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "LedgerDailyRollup_pkey" PRIMARY KEY ("day","merchantId","type")
);

-- CreateTable
CREATE TABLE "RollupState" (
    "key" TEXT NOT NULL,
    "through" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RollupState_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "LedgerEntry_createdAt_idx" ON "LedgerEntry"("createdAt");
