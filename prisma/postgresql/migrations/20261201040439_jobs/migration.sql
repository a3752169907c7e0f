-- CreateTable
CREATE TABLE "job" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT,
    "ownerKey" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "schedule" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "misfirePolicy" TEXT NOT NULL,
    "catchUpLimit" INTEGER NOT NULL DEFAULT 0,
    "nextRunAt" TIMESTAMP(3),
    "lastRunAt" TIMESTAMP(3),
    "lastStatus" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_run" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "scheduledFor" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "runner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "result" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_run_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "job" ADD CONSTRAINT "job_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_run" ADD CONSTRAINT "job_run_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "job"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- vo:manual-begin
-- At most one pending manual run per job: concurrent "Run now" calls coalesce
-- into it (the owner's write lock orders them; this index is the database's
-- own guard). Prisma's schema language cannot express a partial index.
CREATE UNIQUE INDEX "job_run_one_pending_manual" ON "job_run"("jobId") WHERE "status" = 'pending' AND "reason" = 'manual';
-- vo:manual-end
