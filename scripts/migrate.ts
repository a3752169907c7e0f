// `npm run db:migrate`: apply pending migrations to DATABASE_URL (the server also does this on start).
import { DEFAULT_DATABASE_URL } from "../src/db/client";
import { migrateDatabase } from "../src/db/migrate";

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const { applied } = await migrateDatabase(url);
console.log(applied.length > 0 ? `applied: ${applied.join(", ")}` : "up to date");
process.exit(0);
