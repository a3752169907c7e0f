/**
 * `npm run worker`: the background workers (the job scheduler) without the web
 * server, for deployments that separate web and workers. Migrates, opens the
 * database, starts WORKERS, and on SIGTERM/SIGINT stops them (running jobs get
 * a grace period, then their leases are released to other processes).
 * Configuration as for the server: DATABASE_URL, VO_PROVIDER_KEY(_PREVIOUS),
 * VO_SECRETS_DIR, JOB_LEASE_MS, JOB_POLL_MS.
 */
import { loadSecret } from "@/config/secrets";
import { DEFAULT_DATABASE_URL, openDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { createApiKeyCipher } from "@/domain/providers/lib/api-key-cipher";
import { startWorkers, WORKERS } from "./index";

async function main() {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const { applied } = await migrateDatabase(databaseUrl);
  if (applied.length > 0) log(`applied migrations: ${applied.join(", ")}`);
  const db = openDatabase(databaseUrl);
  const previous = (process.env.VO_PROVIDER_KEY_PREVIOUS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const apiKeys = createApiKeyCipher(loadSecret("VO_PROVIDER_KEY", "provider-key"), previous);
  const stop = startWorkers({ db, apiKeys });
  log(`workers ${WORKERS.map((w) => w.name).join(", ")} running (${db.provider}, pid ${process.pid})`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await stop();
    await db.close();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

function log(message: string) {
  console.log(`[virtual-office worker] ${message}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
