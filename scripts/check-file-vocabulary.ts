/**
 * The fixed file vocabulary of a feature folder (docs/architecture.md, "Adding a
 * domain"). Run by tests/structure.test.ts, so by `npm test`:
 *
 * - src/domain/<domain>/: schema.ts (zod inputs, views, constants; browser-safe),
 *   data.ts (reads), mutations.ts (writes), lib/ (the domain's own helpers), tests.
 * - src/client/<domain>/: store.ts, live.ts, form.ts, actions.ts, meta.ts,
 *   components/, tests. src/client/live/ and src/client/ui/ are the shared
 *   layers and hold whatever they need.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const DOMAIN_FILES = new Set(["schema.ts", "data.ts", "mutations.ts"]);
const DOMAIN_DIRS = new Set(["lib"]);
const CLIENT_FILES = new Set(["store.ts", "live.ts", "live.tsx", "form.ts", "actions.ts", "actions.tsx", "meta.ts"]);
const CLIENT_DIRS = new Set(["components"]);
const SHARED_CLIENT_FOLDERS = new Set(["live", "ui"]);
const isTest = (name: string) => /\.test\.tsx?$/.test(name);

/** One entry of a feature folder: its path relative to the repository and whether it is a directory. */
export interface Entry {
  path: string;
  directory: boolean;
}

export function findVocabularyViolations(entries: Entry[]): string[] {
  const violations: string[] = [];
  for (const { path: rel, directory } of entries) {
    const parts = rel.split("/");
    const inDomain = parts[0] === "src" && parts[1] === "domain" && parts.length === 4;
    const inClient = parts[0] === "src" && parts[1] === "client" && parts.length === 4 && !SHARED_CLIENT_FOLDERS.has(parts[2]!);
    if (!inDomain && !inClient) continue;
    const name = parts[3]!;
    const [files, dirs] = inDomain ? [DOMAIN_FILES, DOMAIN_DIRS] : [CLIENT_FILES, CLIENT_DIRS];
    const allowed = directory ? dirs.has(name) : files.has(name) || isTest(name);
    if (!allowed) {
      const vocabulary = [...files, ...[...dirs].map((d) => `${d}/`), "*.test.ts"].join(", ");
      violations.push(`${rel}: a ${inDomain ? "domain" : "client"} feature folder holds only ${vocabulary}`);
    }
  }
  return violations;
}

export function featureEntries(root: string): Entry[] {
  const entries: Entry[] = [];
  for (const layer of ["src/domain", "src/client"]) {
    for (const feature of readdirSync(path.join(root, layer))) {
      const featureDir = path.posix.join(layer, feature);
      if (!statSync(path.join(root, featureDir)).isDirectory()) continue;
      for (const name of readdirSync(path.join(root, featureDir))) {
        const rel = path.posix.join(featureDir, name);
        entries.push({ path: rel, directory: statSync(path.join(root, rel)).isDirectory() });
      }
    }
  }
  return entries;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  const violations = findVocabularyViolations(featureEntries(process.cwd()));
  for (const v of violations) console.error(v);
  console.log(violations.length === 0 ? "file vocabulary: ok" : `file vocabulary: ${violations.length} violation(s)`);
  process.exit(violations.length === 0 ? 0 : 1);
}
