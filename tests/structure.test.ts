import path from "node:path";
import { describe, expect, it } from "vitest";
import { featureEntries, findVocabularyViolations } from "../scripts/check-file-vocabulary";
import { findViolations, projectSources } from "../scripts/check-structure";

describe("architecture rules (scripts/check-structure.ts)", () => {
  it("hold for the whole source tree", () => {
    const files = projectSources(path.resolve(__dirname, ".."));
    expect(files.length).toBeGreaterThan(50);
    expect(findViolations(files)).toEqual([]);
  });

  it("catch each kind of violation", () => {
    const bad = [
      { path: "src/domain/alerts/evaluate.ts", source: `import { PrismaClient } from "@/generated/prisma-sqlite/client";` },
      { path: "src/domain/alerts/rules.ts", source: `import { openDatabase } from "@/db/client";` },
      { path: "src/domain/alerts/mutations.ts", source: `import type { AppServices } from "@/server/services";` },
      { path: "src/db/client.ts", source: `import { writeForUser } from "@/domain/writes";` },
      { path: "src/worker/scheduler.ts", source: `import { startServices } from "@/server/services";` },
      { path: "src/domain/alerts/data.ts", source: `import { createAuth } from "@/server/auth/auth";` },
      { path: "src/server/routers/alerts.ts", source: `import { openDatabase } from "@/db/client";` },
      { path: "src/client/alerts.tsx", source: `import { appRouter } from "@/server/trpc/root";` },
      { path: "app/(app)/alerts/page.tsx", source: `import { listAlerts } from "@/domain/alerts/data";` },
      { path: "src/worker/feed.ts", source: `import { headers } from "next/headers";` },
    ];
    expect(findViolations(bad)).toHaveLength(bad.length);
    const fine = [
      { path: "src/domain/alerts/schema.ts", source: `import type { Database } from "@/db/client";\nimport { z } from "zod";` },
      { path: "src/domain/alerts/mutations.ts", source: `import type { Database, Tx } from "@/db/client";` },
      { path: "src/server/routers/alerts.ts", source: `import { listAlerts } from "@/domain/alerts/data";\nimport { authedProcedure } from "../trpc/init";` },
      { path: "src/client/trpc.ts", source: `import type { AppRouter } from "@/server/trpc/root";` },
      { path: "src/client/alerts.tsx", source: `import { alertSchema } from "@/domain/alerts/schema";` },
    ];
    expect(findViolations(fine)).toEqual([]);
  });
});

describe("file vocabulary of feature folders (scripts/check-file-vocabulary.ts)", () => {
  it("holds for every domain and client feature folder", () => {
    const entries = featureEntries(path.resolve(__dirname, ".."));
    expect(entries.length).toBeGreaterThan(20);
    expect(findVocabularyViolations(entries)).toEqual([]);
  });

  it("catches a file or folder outside the vocabulary", () => {
    const bad = [
      { path: "src/domain/alerts/evaluate.ts", directory: false },
      { path: "src/domain/alerts/helpers", directory: true },
      { path: "src/client/alerts/alerts-cache.ts", directory: false },
      { path: "src/client/alerts/widgets", directory: true },
    ];
    expect(findVocabularyViolations(bad)).toHaveLength(bad.length);
    const fine = [
      { path: "src/domain/alerts/schema.ts", directory: false },
      { path: "src/domain/alerts/lib", directory: true },
      { path: "src/domain/alerts/alerts.test.ts", directory: false },
      { path: "src/client/alerts/store.ts", directory: false },
      { path: "src/client/alerts/components", directory: true },
      { path: "src/client/live/shared-stream.ts", directory: false },
      { path: "src/client/ui/conflict-panel.tsx", directory: false },
    ];
    expect(findVocabularyViolations(fine)).toEqual([]);
  });
});
