/**
 * Jobs under a thundering herd (issue 11): 1,000 jobs due at the same second
 * across 4 server processes on one database. Prints the time until all have
 * started, the lateness p50/p99 (run start − due second) and double runs.
 *
 *   npx tsx bench/jobs.ts            both databases (PostgreSQL when reachable)
 *   BENCH_ONLY=sqlite npx tsx bench/jobs.ts
 */
import { openDatabase } from "@/db/client";
import { apiClient, signUpUser } from "../tests/harness/api-client";
import { createTestDatabase, type DatabaseKind } from "../tests/harness/databases";
import { startServers } from "../tests/harness/server-process";

const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const PROCESSES = 4;

export interface JobsFigures {
  kind: DatabaseKind;
  jobs: number;
  runs: number;
  doubleRuns: number;
  allStartedMs: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export async function jobsHerd(kind: DatabaseKind): Promise<JobsFigures> {
  const database = await createTestDatabase(kind);
  const cluster = await startServers(PROCESSES, { databaseUrl: database.url, env: { VO_ALERT_SWEEP_SECONDS: "3600" } });
  const db = openDatabase(database.url);
  try {
    const owner = await signUpUser(cluster.servers[0]!.url);
    const apis = cluster.servers.map((server) => apiClient(server.url, owner.token));
    // One daily second, far enough ahead for the registrations to finish.
    const due = new Date(Math.ceil((Date.now() + 45_000) / 1000) * 1000);
    const cron = `${due.getUTCSeconds()} ${due.getUTCMinutes()} ${due.getUTCHours()} * * *`;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async (_, lane) => {
        for (let i = next++; i < JOBS; i = next++) {
          await apis[(lane + i) % PROCESSES]!.jobs.register.mutate({ name: `herd-${i}`, kind: "digest", schedule: { cron, timeZone: "UTC" }, params: { periodHours: 1 } });
        }
      }),
    );
    if (Date.now() > due.getTime() - 2_000) throw new Error("registering took too long: the due second passed");
    // Wait for the herd to start (bounded).
    const deadline = due.getTime() + 120_000;
    let runs: { jobId: string; startedAt: Date | null; attempt: number }[] = [];
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (Date.now() < due.getTime()) continue;
      runs = await db.prisma.jobRun.findMany({ where: { scheduledFor: due }, select: { jobId: true, startedAt: true, attempt: true } });
      if (runs.length >= JOBS && runs.every((r) => r.startedAt !== null)) break;
    }
    const perJob = new Map<string, number>();
    for (const run of runs) perJob.set(run.jobId, (perJob.get(run.jobId) ?? 0) + 1);
    const lateness = runs.filter((r) => r.startedAt).map((r) => r.startedAt!.getTime() - due.getTime()).sort((a, b) => a - b);
    return {
      kind,
      jobs: JOBS,
      runs: runs.length,
      doubleRuns: [...perJob.values()].filter((n) => n > 1).length + runs.filter((r) => r.attempt > 1).length,
      allStartedMs: lateness.length === JOBS ? lateness[lateness.length - 1]! : Number.NaN,
      p50Ms: percentile(lateness, 50),
      p99Ms: percentile(lateness, 99),
    };
  } finally {
    await db.close();
    await cluster.stop();
    await database.drop();
  }
}

export function jobsLines(figures: JobsFigures[]): string[] {
  return [
    `jobs: ${JOBS} due at the same second, ${PROCESSES} server processes`,
    ...figures.map(
      (f) =>
        `  ${f.kind.padEnd(10)} runs ${f.runs}/${f.jobs} · all started after ${f.allStartedMs} ms · lateness p50 ${f.p50Ms} ms · p99 ${f.p99Ms} ms · double runs ${f.doubleRuns}`,
    ),
  ];
}

if (process.argv[1] && import.meta.filename && process.argv[1].endsWith("bench/jobs.ts")) {
  process.env.TEST_DATABASE_URL_PG ||= "postgresql://postgres@127.0.0.1:5432/test";
  const kinds = (["sqlite", "postgresql"] as const).filter((k) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY === k);
  const figures: JobsFigures[] = [];
  for (const kind of kinds) figures.push(await jobsHerd(kind));
  for (const line of jobsLines(figures)) console.log(line);
  process.exit(0);
}
