/**
 * The architecture as rules over import statements (docs/architecture.md). Run by
 * tests/structure.test.ts, so `npm test` fails when a change breaks a layer.
 * The arrows point down: server → domain → db.
 *
 * - Prisma (generated clients, @prisma/*, pg, better-sqlite3) is imported only in src/db/.
 * - src/db imports nothing of the app above it (domain, server, worker, client).
 * - src/domain never imports src/server or src/worker. Only domain data.ts /
 *   mutations.ts / writes.ts (and tests) take the database: other domain files import
 *   @/db types only as `import type`.
 * - Routers import domain data / mutations / schema and the tRPC setup, nothing else
 *   from the app: no database, no other server modules.
 * - Browser code (src/client, app) imports server code only as `import type`, and
 *   from the domain only schema.ts files (zod schemas and constants).
 * - src/worker never imports Next.js or src/server (workers run without the web server).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface SourceFile {
  path: string;
  source: string;
}

interface ImportStatement {
  from: string;
  typeOnly: boolean;
}

const PRISMA = /^(@\/generated\/|@prisma\/|pg$|better-sqlite3$)/;

function importsOf(source: string): ImportStatement[] {
  const found: ImportStatement[] = [];
  for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gms)) {
    found.push({ from: match[3]!, typeOnly: Boolean(match[2]) });
  }
  for (const match of source.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) found.push({ from: match[1]!, typeOnly: false });
  return found;
}

const isTest = (file: string) => /\.test\.tsx?$/.test(file);
const isDomainDataFile = (file: string) => /^src\/domain\/([^/]+\/(data|mutations)|writes)\.ts$/.test(file);

export function findViolations(files: SourceFile[]): string[] {
  const violations: string[] = [];
  for (const { path: file, source } of files) {
    if (isTest(file) || file.startsWith("src/generated/")) continue;
    for (const { from, typeOnly } of importsOf(source)) {
      const where = `${file} imports "${from}"`;
      if (PRISMA.test(from) && !file.startsWith("src/db/")) violations.push(`${where}: only src/db/ may import Prisma or a driver`);
      if (file.startsWith("src/db/") && /^@\/(domain|server|worker|client)\//.test(from)) violations.push(`${where}: the database layer imports nothing above it`);
      if (file.startsWith("src/domain/") && /^@\/(server|worker|client)\//.test(from)) violations.push(`${where}: the domain never imports the server, workers or the browser`);
      if (file.startsWith("src/domain/") && from.startsWith("@/db/") && !typeOnly && !isDomainDataFile(file)) {
        violations.push(`${where}: only domain data.ts / mutations.ts / writes.ts may use the database (use \`import type\`)`);
      }
      if (file.startsWith("src/server/routers/") && from.startsWith("@/")) {
        const allowed = /^@\/domain\/[^/]+\/(data|mutations|schema|lib\/[a-z-]+)$/.test(from);
        if (!allowed) violations.push(`${where}: a router wires input → domain function → output only`);
      }
      if (file.startsWith("src/server/routers/") && from.startsWith("../") && from !== "../trpc/init") {
        violations.push(`${where}: a router imports only ../trpc/init from the server`);
      }
      const browser = file.startsWith("src/client/") || file.startsWith("app/");
      if (browser && (from.startsWith("@/server/") || from.startsWith("@/worker/")) && !typeOnly) {
        violations.push(`${where}: browser code may import server code only as \`import type\``);
      }
      if (browser && from.startsWith("@/domain/") && !typeOnly && !/^@\/domain\/[^/]+\/schema$/.test(from)) {
        violations.push(`${where}: browser code may import only domain schema.ts files`);
      }
      if (file.startsWith("src/worker/") && /^next(\/|$)/.test(from)) violations.push(`${where}: workers run without Next.js`);
      if (file.startsWith("src/worker/") && from.startsWith("@/server/") && !typeOnly) violations.push(`${where}: workers run without the web server`);
    }
  }
  return violations;
}

function walk(dir: string, root: string, out: SourceFile[]) {
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) walk(rel, root, out);
    else if (/\.(ts|tsx|mjs)$/.test(name)) out.push({ path: rel, source: readFileSync(path.join(root, rel), "utf8") });
  }
}

export function projectSources(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const dir of ["src", "app"]) walk(dir, root, files);
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  const violations = findViolations(projectSources(process.cwd()));
  for (const v of violations) console.error(v);
  console.log(violations.length === 0 ? "structure: ok" : `structure: ${violations.length} violation(s)`);
  process.exit(violations.length === 0 ? 0 : 1);
}
