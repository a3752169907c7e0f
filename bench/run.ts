/**
 * `npm run bench` (docs/decisions/0013): Virtual Office side by side with a
 * t3-style peer (tRPC standalone adapter + one Prisma call per save, same Prisma
 * version, bench/peer/server.ts) on SQLite and on PostgreSQL, in one run, beside
 * the raw ceilings. Every server runs in its own process (API only); autocannon
 * runs here. The machine may be shared and noisy: read the ratios to the peer
 * measured in the same run, not the absolute figures. Figures only, no assertions.
 *
 *   BENCH_QUICK=1     2 s per run (after 1 s warm-up), no further figures
 *   BENCH_SECONDS=n   seconds per measured run (default 5)
 *   BENCH_ROUNDS=n    rounds per database (default 3, quick 1): every row is the median of its
 *                     rounds, and each target prints its ratio in every round beside the median
 *   BENCH_ONLY=sqlite|postgresql
 *   TEST_DATABASE_URL_PG  the PostgreSQL server for throw-away databases
 *                     (default postgresql://postgres@127.0.0.1:5432/test; skipped when unreachable)
 */
import type { DatabaseKind } from "../tests/harness/databases";
import { emptyHttpServer, rawPostgresConditionalUpdates, rawSqliteConditionalUpdates } from "./ceilings";
import { moreFigures } from "./more";
import { benchDatabase, medianResults, type BenchSettings, type Results } from "./side-by-side";
import { printTables, type Ceilings } from "./table";

const QUICK = process.env.BENCH_QUICK === "1";
const settings: BenchSettings = {
  seconds: Number(process.env.BENCH_SECONDS ?? (QUICK ? 2 : 5)),
  warmup: 1,
  connections: 32,
  users: 32,
  readerConnections: 4,
  readerRate: 100,
};

process.env.TEST_DATABASE_URL_PG ||= "postgresql://postgres@127.0.0.1:5432/test";
const kinds: DatabaseKind[] = [];
for (const kind of ["sqlite", "postgresql"] as const) {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== kind) continue;
  if (kind === "postgresql" && !(await postgresReachable())) {
    console.log(`PostgreSQL at ${process.env.TEST_DATABASE_URL_PG} is not reachable: SQLite only.`);
    continue;
  }
  kinds.push(kind);
}

const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3)));
const started = performance.now();
const results = new Map<DatabaseKind, Results>();
const perRound = new Map<DatabaseKind, Results[]>();
const ceilings: Ceilings = { http: await emptyHttpServer(settings.seconds, settings.warmup), raw: new Map() };
for (const kind of kinds) {
  const measured: Results[] = [];
  for (let round = 1; round <= rounds; round++) {
    progress(`${kind}: the peer and Virtual Office${rounds > 1 ? `, round ${round} of ${rounds}` : ""}`);
    measured.push(await benchDatabase(kind, settings));
  }
  perRound.set(kind, measured);
  results.set(kind, medianResults(measured));
  progress(`${kind}: raw ceiling`);
  ceilings.raw.set(kind, kind === "sqlite" ? rawSqliteConditionalUpdates(2) : await rawPostgresOnThrowAway(2));
}
const more = QUICK ? [] : (progress("further figures"), await moreFigures(settings));

printTables({ settings, kinds, results, perRound, ceilings, more, quick: QUICK, minutes: (performance.now() - started) / 60_000 });
process.exit(0);

function progress(what: string) {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`);
}

async function postgresReachable(): Promise<boolean> {
  const { postgresQuery } = await import("../tests/harness/databases");
  return postgresQuery("SELECT 1").then(
    () => true,
    () => false,
  );
}

async function rawPostgresOnThrowAway(seconds: number): Promise<number> {
  const { createPostgresDatabase, dropPostgresDatabase, uniqueDatabaseName } = await import("../tests/harness/databases");
  const name = uniqueDatabaseName("vo_bench_raw");
  const url = await createPostgresDatabase(name);
  try {
    return await rawPostgresConditionalUpdates(url, seconds);
  } finally {
    await dropPostgresDatabase(name);
  }
}
