-- CreateTable
CREATE TABLE "PricingRuleOption" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "network" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "priceAtomic" DECIMAL(78,0) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PricingRuleOption_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PricingRuleOption_ruleId_position_key" ON "PricingRuleOption"("ruleId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "PricingRuleOption_ruleId_network_asset_key" ON "PricingRuleOption"("ruleId", "network", "asset");

-- CreateIndex
CREATE INDEX "PricingRuleOption_merchantId_idx" ON "PricingRuleOption"("merchantId");

-- AddForeignKey
ALTER TABLE "PricingRuleOption" ADD CONSTRAINT "PricingRuleOption_merchantId_fkey" FOREIGN KEY ("merchantId") REFERENCES "Merchant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PricingRuleOption" ADD CONSTRAINT "PricingRuleOption_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "PricingRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;
