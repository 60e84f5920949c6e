-- CreateTable
CREATE TABLE "AlertSettings" (
    "merchantId" TEXT NOT NULL,
    "thresholds" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertSettings_pkey" PRIMARY KEY ("merchantId")
);
