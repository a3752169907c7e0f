import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eventLogBounds } from "@/domain/events/data";
import { getProfile } from "@/domain/profile/data";
import { listProviders } from "@/domain/providers/data";
import { listSettings } from "@/domain/settings/data";
import { internalErrorCause, internalErrorRef } from "@/server/trpc/errors";
import { appRouter } from "@/server/trpc/root";
import { describeWithApp } from "../../harness/app";
import { rawCall, startInProcessApi, type InProcessApi, type ProcedureType, type RawResponse } from "../../harness/raw-trpc";

/**
 * Hostile input to every procedure, over HTTP through the app's own tRPC
 * handler on a real database: never a 5xx, every rejection BAD_REQUEST with
 * field errors and a small body, and the user's state exactly as before.
 */

const RUNS_PER_PROCEDURE = 25;
const RUNS_ANY_PROCEDURE = 60;
/** A rejection, however much was wrong, stays this small. */
const REJECTION_MAX_BYTES = 16_384;

// ---- hostile values -------------------------------------------------------

const nest = (depth: number, asArray: boolean): unknown => {
  let value: unknown = "x";
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
};

/** Unpaired surrogates and NUL, alone or inside ordinary text. */
const illFormedText = fc.oneof(
  fc.constantFrom("\ud800x", "x\udc00", "a\u0000b", "\u0000", "\udbff", "\ud800\ud800\udc00"),
  fc
    .tuple(fc.string({ maxLength: 12 }), fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff", "\u0000"), fc.string({ maxLength: 12 }))
    .map(([before, bad, after]) => before + bad + after),
);
const deep = fc.tuple(fc.integer({ min: 17, max: 80 }), fc.boolean()).map(([depth, asArray]) => nest(depth, asArray));
/** Too many items for one array; small enough to fit a GET query string. */
const wideArray = fc.constantFrom(1_001, 1_500).map((n) => Array.from({ length: n }, (_, i) => i % 2));
/** Only in request bodies (mutations): too big for a URL. */
const huge = fc.constantFrom(
  () => "x".repeat(70_000),
  () => Array.from({ length: 10_001 }, (_, i) => `bad ticker ${i}`),
  () => Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`key${i}`, i])),
  () => Array.from({ length: 20 }, () => Array.from({ length: 600 }, () => 1)),
  () => Array.from({ length: 20 }, () => "y".repeat(60_000)),
  () => nest(1_500, false),
).map((make) => make());
const nonFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

/** Refused by the root guard wherever it appears. */
const guardHostile = (body: boolean) => (body ? fc.oneof(illFormedText, deep, wideArray, nonFinite, huge) : fc.oneof(illFormedText, deep, wideArray, nonFinite));
/** Exact integers just past a 32-bit `Int` column: only a range check stops them before the database. */
const pastColumn = fc.oneof(fc.constantFrom(2_147_483_648, 4_294_967_296, Number.MAX_SAFE_INTEGER), fc.integer({ min: 2_147_483_648, max: Number.MAX_SAFE_INTEGER }));
/** Numbers at no valid position of any procedure: past the column range, negative, fractional, beyond exact. */
const outOfRange = fc.oneof(pastColumn, fc.constantFrom(-1, -2_147_483_649, 1e308, -1e308, 0.5, 2 ** 53, Number.MAX_SAFE_INTEGER + 2));
/** Longer than any field allows, shorter than the guard's bound. */
const overlong = fc.integer({ min: 4_097, max: 6_000 }).map((n) => "z".repeat(n));
/** A key that is itself bad text. */
const hostileKey = illFormedText;

// ---- procedures -----------------------------------------------------------

interface Spec {
  path: string;
  type: ProcedureType;
  /** A valid input to corrupt; absent: the procedure takes none. */
  base?: () => Record<string, unknown>;
  /** Dotted paths into `base` where a hostile value replaces the valid one. */
  fields?: string[];
  /** Of those, the ones stored in or compared with an `Int` column. */
  ints?: string[];
  /** More values that are invalid at every field of this procedure. */
  invalid?: fc.Arbitrary<unknown>;
}

function specs(ids: { active: string; other: string }): Spec[] {
  const requestId = "req-hostile-0001";
  return [
    { path: "account.me", type: "query" },
    { path: "settings.list", type: "query" },
    { path: "settings.get", type: "query", base: () => ({ key: "theme" }), fields: ["key"] },
    { path: "settings.history", type: "query", base: () => ({ key: "watchlist" }), fields: ["key"] },
    {
      path: "settings.set",
      type: "mutation",
      base: () => ({ key: "watchlist", value: ["AAPL", "MSFT"], expectedVersion: 1, requestId }),
      fields: ["key", "value", "value.0", "expectedVersion", "requestId"],
      ints: ["expectedVersion"],
    },
    {
      path: "settings.set",
      type: "mutation",
      base: () => ({ key: "alertCooldownSeconds", value: 60 }),
      fields: ["value"],
      invalid: fc.constantFrom(86_401, 2_147_483_647),
    },
    {
      path: "settings.delete",
      type: "mutation",
      base: () => ({ key: "theme", expectedVersion: 1, requestId }),
      fields: ["key", "expectedVersion", "requestId"],
      ints: ["expectedVersion"],
    },
    {
      path: "settings.revert",
      type: "mutation",
      base: () => ({ key: "theme", toVersion: 1, requestId }),
      fields: ["key", "toVersion", "expectedVersion", "requestId"],
      ints: ["toVersion", "expectedVersion"],
    },
    { path: "profile.get", type: "query" },
    {
      path: "profile.update",
      type: "mutation",
      base: () => ({ patch: { bio: "Trading since 1999", displayName: "Ada" }, base: { bio: "Momentum" }, requestId }),
      fields: ["patch", "patch.bio", "patch.displayName", "patch.email", "patch.timezone", "patch.locale", "patch.baseCurrency", "base", "base.bio", "requestId"],
    },
    { path: "providers.list", type: "query" },
    { path: "providers.snapshot", type: "query" },
    {
      path: "providers.add",
      type: "mutation",
      base: () => ({ name: "Hostile", model: "gpt-4o", apiKey: "sk-hostile-1234", baseUrl: "https://api.example.com/v1", activate: true, requestId }),
      fields: ["name", "model", "apiKey", "baseUrl", "activate", "requestId"],
    },
    {
      path: "providers.update",
      type: "mutation",
      base: () => ({ id: ids.active, name: "Renamed", model: "m2", apiKey: "sk-new-5678", baseUrl: null, expectedVersion: 1, requestId }),
      fields: ["id", "name", "model", "apiKey", "baseUrl", "expectedVersion", "requestId"],
      ints: ["expectedVersion"],
    },
    { path: "providers.setActive", type: "mutation", base: () => ({ id: ids.other, requestId }), fields: ["id", "requestId"] },
    {
      path: "providers.delete",
      type: "mutation",
      base: () => ({ id: ids.active, expectedVersion: 1, requestId }),
      fields: ["id", "expectedVersion", "requestId"],
      ints: ["expectedVersion"],
    },
    {
      path: "stream.events",
      type: "subscription",
      base: () => ({ lastEventId: "1" }),
      fields: ["lastEventId"],
      invalid: fc.oneof(pastColumn.map(String), fc.constantFrom("99999999999", "-1", "1.5", "")),
    },
  ];
}

function setAt(target: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const keys = dotted.split(".");
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
  return target;
}

/** An input to `spec` that is wrong somewhere: a corrupted field, an extra hostile entry, or hostile as a whole. */
function hostileInput(spec: Spec): fc.Arbitrary<unknown> {
  const body = spec.type === "mutation";
  const anyWhere = guardHostile(body);
  const whole = spec.base ? fc.oneof(anyWhere, outOfRange) : anyWhere;
  if (!spec.base) return fc.oneof(whole, fc.tuple(hostileKey, anyWhere).map(([key, value]) => ({ [key]: value })));
  const atField = fc.oneof(anyWhere, outOfRange, overlong, ...(spec.invalid ? [spec.invalid] : []));
  const atInt = spec.ints ? [{ weight: 3, arbitrary: fc.tuple(fc.constantFrom(...spec.ints), pastColumn).map(([field, value]) => setAt(spec.base!(), field, value)) }] : [];
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...spec.fields!), atField).map(([field, value]) => setAt(spec.base!(), field, value)) },
    ...atInt,
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), anyWhere).map(([key, value]) => ({ ...spec.base!(), [`extra${key}`]: value })) },
    { weight: 1, arbitrary: hostileKey.map((key) => ({ ...spec.base!(), [key]: "x" })) },
    { weight: 1, arbitrary: whole },
  );
}

function expectBadRequest(res: RawResponse, what: string) {
  const context = `${what} → ${res.status} ${res.text.slice(0, 400)}`;
  expect(res.status, context).toBe(400);
  expect(res.error?.data.code, context).toBe("BAD_REQUEST");
  const fieldErrors = res.error?.data.fieldErrors ?? {};
  expect(Object.keys(fieldErrors).length, context).toBeGreaterThan(0);
  for (const messages of Object.values(fieldErrors)) expect(messages.every((m) => typeof m === "string" && m.length > 0), context).toBe(true);
  expect(res.text.length, context).toBeLessThan(REJECTION_MAX_BYTES);
}

function describeInput(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input, (_key, value) => (typeof value === "number" && !Number.isFinite(value) ? String(value) : value)) ?? "undefined";
  } catch {
    return "(nested too deeply to print)";
  }
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} chars)` : text;
}

/** fc.assert, but a counterexample is reported in brief (a 1,500-deep one overflows fast-check's own printer). */
async function assertProperty<T>(property: fc.IAsyncProperty<T>, numRuns: number) {
  const details = await fc.check(property, { numRuns });
  if (!details.failed) return;
  throw new Error(
    `property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}") on ${describeInput(details.counterexample)}:\n${(details.errorInstance as Error)?.stack ?? String(details.errorInstance)}`,
  );
}

describeWithApp("hostile input on %s", (app, kind) => {
  let api: InProcessApi;
  let userId: string;
  let auth: Record<string, string>;
  const ids = { active: "", other: "" };

  const call = (path: string, type: ProcedureType, input?: unknown) => rawCall(api.url, path, type, input, auth);
  async function ok(path: string, input: unknown) {
    const res = await call(path, "mutation", input);
    expect(res.status, res.text).toBe(200);
    return (res.data as { json: Record<string, unknown> }).json;
  }
  /** Everything the user has: settings, profile, providers, and how long the event log is. */
  async function state() {
    const db = app.services.db;
    const [settings, profile, providers, log] = await Promise.all([
      listSettings(db, userId),
      getProfile(db, userId),
      listProviders(db, userId),
      eventLogBounds(db, userId),
    ]);
    return JSON.stringify({ settings, profile, providers, events: log.latest });
  }

  beforeAll(async () => {
    api = await startInProcessApi(app.services);
    const signedUp = await app.services.auth.api.signUpEmail({
      body: { email: `hostile-${kind}@example.test`, password: "password-123456", name: "Hostile Tester" },
    });
    userId = signedUp.user.id;
    auth = { authorization: `Bearer ${signedUp.token}` };
    await ok("settings.set", { key: "watchlist", value: ["AAPL"] });
    await ok("settings.set", { key: "theme", value: "dark" });
    await ok("profile.update", { patch: { bio: "Momentum", displayName: "Ada", timezone: "Europe/London" } });
    ids.active = (await ok("providers.add", { name: "Primary", model: "gpt-4o", apiKey: "sk-primary-0001" })).id as string;
    ids.other = (await ok("providers.add", { name: "Backup", model: "claude", apiKey: "sk-backup-0002" })).id as string;
  });
  afterAll(() => api?.close());

  it("every procedure: hostile strings, numbers past column ranges, deep and huge payloads → BAD_REQUEST with field errors; state unchanged", async () => {
    const before = await state();
    let calls = 0;
    for (const spec of specs(ids)) {
      await assertProperty(
        fc.asyncProperty(hostileInput(spec), async (input) => {
          const res = await call(spec.path, spec.type, input);
          calls++;
          expectBadRequest(res, `${spec.path}(${describeInput(input)})`);
          expect(await state(), `${spec.path}(${describeInput(input)}) changed the user's state`).toBe(before);
        }),
        RUNS_PER_PROCEDURE,
      );
    }
    console.log(`[hostile-input ${kind}] ${calls} hostile calls over ${specs(ids).length} procedure inputs: all 400 BAD_REQUEST, state unchanged`);
  });

  it("any procedure, including ones added later: the root guard refuses ill-formed text, depth and size before the procedure runs", async () => {
    const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType } }>).map(([path, p]) => ({
      path,
      type: p._def.type,
    }));
    expect(procedures.length).toBeGreaterThanOrEqual(16);
    const calls = fc.constantFrom(...procedures).chain((procedure) => {
      const hostile = guardHostile(procedure.type === "mutation");
      return fc.tuple(fc.constant(procedure), fc.oneof(hostile, fc.tuple(hostileKey, hostile).map(([key, value]) => ({ [key]: value }))));
    });
    const before = await state();
    await assertProperty(
      fc.asyncProperty(calls, async ([procedure, input]) => {
        expectBadRequest(await call(procedure.path, procedure.type, input), `${procedure.path}(${describeInput(input)})`);
        expect(await state()).toBe(before);
      }),
      RUNS_ANY_PROCEDURE,
    );
  });

  it("integers at the top of the column range are valid input: a deliberate NOT_FOUND / CONFLICT, never a 5xx", async () => {
    const before = await state();
    const top = 2_147_483_647;
    const cases: Array<[string, unknown, number]> = [
      ["settings.revert", { key: "theme", toVersion: top }, 404],
      ["settings.set", { key: "theme", value: "light", expectedVersion: top }, 409],
      ["settings.delete", { key: "theme", expectedVersion: top }, 409],
      ["providers.update", { id: ids.active, name: "x", expectedVersion: top }, 409],
      ["providers.delete", { id: ids.active, expectedVersion: top }, 409],
    ];
    for (const [path, input, status] of cases) {
      const res = await call(path, "mutation", input);
      expect(res.status, `${path} ${res.text}`).toBe(status);
    }
    // An id past the end of the log: a resync marker, as for any id this log cannot serve.
    const stream = await call("stream.events", "subscription", { lastEventId: String(top) });
    expect((stream.data as { json: { type: string } }).json.type).toBe("stream.resync");
    expect(await state()).toBe(before);
  });

  it("bounded rejections: 10,001 bad tickers, 1,000 bad tickers, 900 unknown long keys, 900 bad fields, a million levels", async () => {
    const before = await state();
    const sizes: Array<[string, unknown, number]> = [
      ["settings.set", { key: "watchlist", value: Array.from({ length: 10_001 }, (_, i) => `bad ticker ${i}`) }, 1_024],
      ["settings.set", { key: "watchlist", value: Array.from({ length: 1_000 }, (_, i) => `bad ticker ${i}`) }, 4_096],
      ["providers.add", Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`unknown-${i}-${"k".repeat(60)}`, i])), 4_096],
      ["profile.update", { patch: Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`f${i}`, "\u0000"])) }, 8_192],
    ];
    for (const [path, input, maxBytes] of sizes) {
      const res = await call(path, "mutation", input);
      expectBadRequest(res, path);
      expect(res.text.length, `${path}: ${res.text.length} bytes`).toBeLessThan(maxBytes);
    }
    const many = await call("profile.update", "mutation", { patch: Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`f${i}`, "\u0000"])) });
    expect(many.error?.data.fieldErrors?.["(input)"]).toEqual(["(and 880 more fields)"]);

    // A million levels, written as JSON text (no client library can build it): refused like 17.
    const depth = 1_000_000;
    const res = await fetch(`${api.url}/api/trpc/profile.update`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: `{"json":{"patch":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}}`,
    });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(400);
    expect(JSON.parse(text).error.json.data.fieldErrors).toEqual({ [["patch", ...Array(15).fill("a")].join(".")]: ["nested too deeply (at most 16 levels)"] });
    expect(await state()).toBe(before);
  });
});

describeWithApp("unexpected errors on %s", (app, kind) => {
  let api: InProcessApi;
  beforeAll(async () => {
    api = await startInProcessApi(app.services);
  });
  afterAll(() => api?.close());

  it("reach the client as INTERNAL_SERVER_ERROR 'internal error (ref …)' with nothing from Prisma; onError has the same ref and the cause", async () => {
    const signedUp = await app.services.auth.api.signUpEmail({ body: { email: `broken-${kind}@example.test`, password: "password-123456", name: "B" } });
    const auth = { authorization: `Bearer ${signedUp.token}` };
    await app.services.db.prisma.$executeRawUnsafe('DROP TABLE "profile"');

    for (const [path, type, input] of [
      ["profile.get", "query", undefined],
      ["profile.update", "mutation", { patch: { bio: "hello" } }],
    ] as const) {
      const res = await rawCall(api.url, path, type, input, auth);
      expect(res.status, res.text).toBe(500);
      expect(res.error?.data.code).toBe("INTERNAL_SERVER_ERROR");
      const ref = /^internal error \(ref ([0-9a-f]{12})\)$/.exec(res.error?.message ?? "")?.[1];
      expect(ref, res.text).toBeDefined();
      expect(res.text).not.toMatch(/prisma|invocation|profile"? does not exist|table|stack|\.ts:/i);
      expect(res.error?.data).not.toHaveProperty("fieldErrors");
      expect(res.error?.data).not.toHaveProperty("stack");
      const logged = api.errors.filter((error) => internalErrorRef(error) === ref);
      expect(logged.length, `onError saw ref ${ref}`).toBeGreaterThan(0);
      expect(internalErrorCause(logged[0]!)).toMatch(/prisma|profile/i);
    }
  });
});
