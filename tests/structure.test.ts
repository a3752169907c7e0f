import path from "node:path";
import { describe, expect, it } from "vitest";
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
      { path: "src/domain/alerts/rules.ts", source: `import { getDatabase } from "@/server/db/client";` },
      { path: "src/domain/alerts/data.ts", source: `import { createAuth } from "@/server/auth/auth";` },
      { path: "src/server/routers/alerts.ts", source: `import { getDatabase } from "@/server/db/client";` },
      { path: "src/client/alerts.tsx", source: `import { appRouter } from "@/server/trpc/root";` },
      { path: "app/(app)/alerts/page.tsx", source: `import { listAlerts } from "@/domain/alerts/data";` },
      { path: "src/worker/feed.ts", source: `import { headers } from "next/headers";` },
    ];
    expect(findViolations(bad)).toHaveLength(bad.length);
    const fine = [
      { path: "src/domain/alerts/schema.ts", source: `import type { Database } from "@/server/db/client";\nimport { z } from "zod";` },
      { path: "src/domain/alerts/mutations.ts", source: `import type { Database, Tx } from "@/server/db/client";` },
      { path: "src/server/routers/alerts.ts", source: `import { listAlerts } from "@/domain/alerts/data";\nimport { authedProcedure } from "../trpc/init";` },
      { path: "src/client/trpc.ts", source: `import type { AppRouter } from "@/server/trpc/root";` },
      { path: "src/client/alerts.tsx", source: `import { alertSchema } from "@/domain/alerts/schema";` },
    ];
    expect(findViolations(fine)).toEqual([]);
  });
});
