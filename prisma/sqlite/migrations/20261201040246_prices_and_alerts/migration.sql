-- CreateTable
CREATE TABLE "ticker" (
    "ticker" TEXT NOT NULL PRIMARY KEY,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "evaluatedSeq" INTEGER NOT NULL DEFAULT 0,
    "lastPrice" REAL,
    "lastAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "price_tick" (
    "ticker" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "price" REAL NOT NULL,
    "at" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("ticker", "seq")
);

-- CreateTable
CREATE TABLE "price_batch" (
    "requestId" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "alert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "ticker" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "threshold" REAL NOT NULL,
    "mode" TEXT NOT NULL,
    "cooldownSeconds" INTEGER NOT NULL,
    "expiresAt" DATETIME,
    "note" TEXT,
    "state" TEXT NOT NULL,
    "stateReason" TEXT,
    "arming" INTEGER NOT NULL DEFAULT 1,
    "lastFiredSeq" INTEGER,
    "fireCount" INTEGER NOT NULL DEFAULT 0,
    "lastFiredAt" DATETIME,
    "windowStartAt" DATETIME,
    "windowFires" INTEGER NOT NULL DEFAULT 0,
    "triggeredAt" DATETIME,
    "triggeredPrice" REAL,
    "triggeredTickSeq" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "alert_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "alert_firing" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "alertId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "arming" INTEGER NOT NULL,
    "ticker" TEXT NOT NULL,
    "tickSeq" INTEGER NOT NULL,
    "price" REAL NOT NULL,
    "tickAt" DATETIME NOT NULL,
    "firedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_firing_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "alert" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "alert_firing_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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

