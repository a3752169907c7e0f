import { expect, it } from "vitest";
import { eventsAfter } from "@/domain/events/data";
import { createApiKeyCipher, type ApiKeyCipher } from "@/domain/providers/lib/api-key-cipher";
import { addProvider, rotateProviderKeys, updateProvider } from "@/domain/providers/mutations";
import { describeWithApp } from "../../harness/app";
import { together } from "../../harness/barrier";

const OLD = "old-provider-secret-0123456789";
const NEW = "new-provider-secret-0123456789";

describeWithApp("rotating the provider-key secret on %s", (app) => {
  const oldCipher = createApiKeyCipher(OLD);
  const rotating = createApiKeyCipher(NEW, [OLD]);
  const newOnly = createApiKeyCipher(NEW);

  async function storedKeys(userId: string, cipher: ApiKeyCipher) {
    const rows = await app.services.db.prisma.provider.findMany({
      where: { userId },
      orderBy: { name: "asc" },
      select: { id: true, apiKeyCipher: true, version: true, updatedAt: true },
    });
    return rows.map((row) => ({ ...row, apiKey: cipher.decrypt(row.apiKeyCipher, { userId, providerId: row.id }) }));
  }

  it("re-encrypts every key under the new secret without a user-visible change", async () => {
    const userId = await app.createUser();
    for (let i = 0; i < 5; i++) await addProvider(app.services.db, oldCipher, userId, { name: `P${i}`, model: "m", apiKey: `sk-rotate-${i}-abcdefgh` });
    const before = await storedKeys(userId, oldCipher);
    await expect(storedKeys(userId, newOnly)).rejects.toThrow();
    // During the rotation both secrets open the keys.
    expect((await storedKeys(userId, rotating)).map((k) => k.apiKey)).toEqual(before.map((k) => k.apiKey));
    const eventCount = (await eventsAfter(app.services.db, userId, 0)).length;

    const report = await rotateProviderKeys(app.services.db, rotating, 2);
    expect(report.rotated).toBeGreaterThanOrEqual(5);
    expect(report.unreadable).toEqual([]);
    const after = await storedKeys(userId, newOnly);
    expect(after.map((k) => [k.apiKey, k.version, k.updatedAt])).toEqual(before.map((k) => [k.apiKey, k.version, k.updatedAt]));
    expect((await eventsAfter(app.services.db, userId, 0)).length).toBe(eventCount);
    expect((await rotateProviderKeys(app.services.db, rotating)).rotated).toBe(0);
  });

  it("loses no key update that races the rotation, and reports keys no secret opens", async () => {
    const userId = await app.createUser();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push((await addProvider(app.services.db, oldCipher, userId, { name: `R${String(i).padStart(2, "0")}`, model: "m", apiKey: `sk-before-${i}-abcdefgh` })).id);
    }
    const stranger = await addProvider(app.services.db, createApiKeyCipher("some-unknown-secret-0123456789"), userId, {
      name: "Z-unknown",
      model: "m",
      apiKey: "sk-unknown-abcdefgh",
    });
    // The app's writers already run on the new secret while the rotation runs.
    const results = await together(2, async (side) => {
      if (side === 0) return rotateProviderKeys(app.services.db, rotating, 3);
      for (const [i, id] of ids.entries()) {
        if (i % 2 === 0) await updateProvider(app.services.db, rotating, userId, { id, apiKey: `sk-after-${i}-abcdefgh` });
      }
      return null;
    });
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const report = (results[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof rotateProviderKeys>>>).value;
    expect(report.unreadable).toContain(stranger.id);

    const keys = await app.services.db.prisma.provider.findMany({
      where: { userId, id: { in: ids } },
      orderBy: { name: "asc" },
      select: { id: true, apiKeyCipher: true },
    });
    expect(keys.map((row) => newOnly.decrypt(row.apiKeyCipher, { userId, providerId: row.id }))).toEqual(
      ids.map((_, i) => (i % 2 === 0 ? `sk-after-${i}-abcdefgh` : `sk-before-${i}-abcdefgh`)),
    );
  });
});
