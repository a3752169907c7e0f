-- CreateTable
CREATE TABLE "ticker" (
    "ticker" TEXT NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "evaluatedSeq" INTEGER NOT NULL DEFAULT 0,
    "lastPrice" DOUBLE PRECISION,
    "lastAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ticker_pkey" PRIMARY KEY ("ticker")
);

-- CreateTable
CREATE TABLE "price_tick" (
    "ticker" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "price" DOUBLE PRECISION NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "price_tick_pkey" PRIMARY KEY ("ticker","seq")
);

-- CreateTable
CREATE TABLE "price_batch" (
    "requestId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "price_batch_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "ticker" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "mode" TEXT NOT NULL,
    "cooldownSeconds" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "note" TEXT,
    "state" TEXT NOT NULL,
    "stateReason" TEXT,
    "arming" INTEGER NOT NULL DEFAULT 1,
    "lastFiredSeq" INTEGER,
    "fireCount" INTEGER NOT NULL DEFAULT 0,
    "lastFiredAt" TIMESTAMP(3),
    "windowStartAt" TIMESTAMP(3),
    "windowFires" INTEGER NOT NULL DEFAULT 0,
    "triggeredAt" TIMESTAMP(3),
    "triggeredPrice" DOUBLE PRECISION,
    "triggeredTickSeq" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_firing" (
    "id" TEXT NOT NULL,
    "alertId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "arming" INTEGER NOT NULL,
    "ticker" TEXT NOT NULL,
    "tickSeq" INTEGER NOT NULL,
    "price" DOUBLE PRECISION NOT NULL,
    "tickAt" TIMESTAMP(3) NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_firing_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "price_tick_createdAt_idx" ON "price_tick"("createdAt");

-- CreateIndex
CREATE INDEX "price_batch_createdAt_idx" ON "price_batch"("createdAt");

-- CreateIndex
CREATE INDEX "alert_ticker_condition_state_threshold_idx" ON "alert"("ticker", "condition", "state", "threshold");

-- CreateIndex
CREATE INDEX "alert_userId_idx" ON "alert"("userId");

-- CreateIndex
CREATE INDEX "alert_firing_userId_firedAt_idx" ON "alert_firing"("userId", "firedAt");

-- CreateIndex
CREATE INDEX "alert_firing_alertId_firedAt_idx" ON "alert_firing"("alertId", "firedAt");

-- CreateIndex
CREATE UNIQUE INDEX "alert_firing_alertId_arming_key" ON "alert_firing"("alertId", "arming");

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_firing" ADD CONSTRAINT "alert_firing_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_firing" ADD CONSTRAINT "alert_firing_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

