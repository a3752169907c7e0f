-- CreateTable
CREATE TABLE "job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT,
    "ownerKey" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "schedule" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "misfirePolicy" TEXT NOT NULL,
    "catchUpLimit" INTEGER NOT NULL DEFAULT 0,
    "nextRunAt" DATETIME,
    "lastRunAt" DATETIME,
    "lastStatus" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "job_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "job_run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT NOT NULL,
    "scheduledFor" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "runner" TEXT,
    "leaseUntil" DATETIME,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "error" TEXT,
    "result" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "job_run_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "job_paused_nextRunAt_idx" ON "job"("paused", "nextRunAt");

-- CreateIndex
CREATE UNIQUE INDEX "job_ownerKey_name_key" ON "job"("ownerKey", "name");

-- CreateIndex
CREATE INDEX "job_run_status_leaseUntil_idx" ON "job_run"("status", "leaseUntil");

-- CreateIndex
CREATE INDEX "job_run_status_scheduledFor_idx" ON "job_run"("status", "scheduledFor");

-- CreateIndex
CREATE UNIQUE INDEX "job_run_jobId_scheduledFor_key" ON "job_run"("jobId", "scheduledFor");



-- vo:manual-begin
-- At most one pending manual run per job: concurrent "Run now" calls coalesce
-- into it (the owner's write lock orders them; this index is the database's
-- own guard). Prisma's schema language cannot express a partial index.
CREATE UNIQUE INDEX "job_run_one_pending_manual" ON "job_run"("jobId") WHERE "status" = 'pending' AND "reason" = 'manual';
-- vo:manual-end
