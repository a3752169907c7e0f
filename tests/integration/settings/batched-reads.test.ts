import { expect, it, vi } from "vitest";
import { getSetting } from "@/domain/settings/data";
import { setSetting } from "@/domain/settings/mutations";
import type { SettingKey } from "@/domain/settings/schema";
import { describeWithApp } from "../../harness/app";

/**
 * settings.get calls that arrive together share one statement on PostgreSQL
 * (src/db/batched-reads.ts): each still gets exactly its own user's value and
 * version, a read after an acknowledged write sees that write, and a failed
 * statement fails every read it would have answered.
 */
describeWithApp("settings.get reads batched on %s", (app, kind) => {
  it("100 reads of 40 users' settings at once: each answer is its own user's, in one statement per 64 distinct keys on PostgreSQL", async () => {
    const db = app.services.db;
    const users = await Promise.all(Array.from({ length: 40 }, () => app.createUser()));
    const written = new Map<string, { value: string; version: number }>();
    for (const [i, userId] of users.entries()) {
      const value = i % 2 ? "dark" : "light";
      const view = await setSetting(db, userId, { key: "theme", value });
      written.set(userId, { value, version: view.version });
      if (i % 3 === 0) await setSetting(db, userId, { key: "density", value: "compact" });
    }
    const asks = Array.from({ length: 100 }, (_, i) => ({ userId: users[Math.floor(i / 2) % users.length]!, key: (i % 2 ? "density" : "theme") as SettingKey }));

    const all = vi.spyOn(db.sql, "all");
    try {
      const answers = await Promise.all(asks.map(({ userId, key }) => getSetting(db, userId, key)));
      for (const [i, { userId, key }] of asks.entries()) {
        const index = users.indexOf(userId);
        if (key === "theme") expect(answers[i], `ask ${i}`).toMatchObject({ key, ...written.get(userId), isDefault: false });
        else if (index % 3 === 0) expect(answers[i], `ask ${i}`).toMatchObject({ key, value: "compact", version: 1, isDefault: false });
        else expect(answers[i], `ask ${i}`).toMatchObject({ key, version: 0, isDefault: true });
      }
      // 80 distinct (user, key) pairs, 20 of them asked twice: two statements; SQLite runs each read alone.
      const distinct = new Set(asks.map(({ userId, key }) => `${userId}/${key}`)).size;
      expect(all).toHaveBeenCalledTimes(kind === "postgresql" ? Math.ceil(distinct / 64) : asks.length);
    } finally {
      all.mockRestore();
    }
  });

  it("a read that starts after a write was acknowledged sees it, however many reads it is batched with", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    for (let round = 0; round < 20; round++) {
      const value = round % 2 ? "dark" : "light";
      const saved = await setSetting(db, userId, { key: "theme", value });
      const reads = await Promise.all(Array.from({ length: 10 }, () => getSetting(db, userId, "theme")));
      for (const read of reads) expect(read).toMatchObject({ value, version: saved.version });
    }
  });

  it("a failing statement fails every read it would have answered, and the next reads work", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    const all = vi.spyOn(db.sql, "all").mockRejectedValueOnce(Object.assign(new Error("connection lost"), { code: "57P01" }));
    try {
      const first = await Promise.allSettled(Array.from({ length: kind === "postgresql" ? 5 : 1 }, () => getSetting(db, userId, "theme")));
      expect(first.map((r) => r.status)).toEqual(first.map(() => "rejected"));
    } finally {
      all.mockRestore();
    }
    expect(await getSetting(db, userId, "theme")).toMatchObject({ version: 0, isDefault: true });
  });
});
