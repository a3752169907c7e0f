import { expect, it } from "vitest";
import { evaluateTicker, sweepAlerts } from "@/domain/alert-firing/mutations";
import { eventsAfter } from "@/domain/events/data";
import { ingestTicks } from "@/domain/prices/mutations";
import { RUNAWAY_MAX_FIRINGS } from "@/domain/alerts/schema";
import { errorData } from "@/server/trpc/errors";
import { describeWithApp, rejection, type TestApp } from "../../harness/app";

/** Tick times far enough ahead that wall-clock expiry (the sweep) never interferes. */
const T0 = Date.UTC(2031, 0, 1);
const at = (seconds: number) => new Date(T0 + seconds * 1000);
let tickerCounter = 0;
const freshTicker = () => `T${Date.now().toString(36).slice(-5).toUpperCase()}${(tickerCounter++).toString(36).toUpperCase()}`;

/** Ingests prices as the feed (one batch per call), evaluates, returns the firing ticks' seqs of `alertId`. */
async function feed(app: TestApp, ticker: string, prices: Array<number | [number, number]>) {
  const ticks = prices.map((p, i) => (Array.isArray(p) ? { ticker, price: p[0], at: at(p[1]) } : { ticker, price: p, at: at(i) }));
  const result = await ingestTicks(app.services.db, "feed", { ticks });
  await evaluateTicker(app.services.db, ticker);
  return result;
}
async function firedSeqs(app: TestApp, alertId: string): Promise<number[]> {
  const rows = await app.services.db.prisma.alertFiring.findMany({ where: { alertId }, select: { tickSeq: true }, orderBy: { tickSeq: "asc" } });
  return rows.map((r) => r.tickSeq);
}

describeWithApp("alert semantics on %s", (app) => {
  it("above / below fire on the first tick past the threshold (strictly), once", async () => {
    const api = app.callerFor(await app.createUser());
    const ticker = freshTicker();
    const above = await api.alerts.create({ ticker, condition: "above", threshold: 100 });
    const below = await api.alerts.create({ ticker, condition: "below", threshold: 90 });
    await feed(app, ticker, [95, 100, 100.01, 101, 90, 89.99, 80]);
    expect(await firedSeqs(app, above.id)).toEqual([3]);
    expect(await firedSeqs(app, below.id)).toEqual([6]);
    const list = await api.alerts.list();
    expect(list.find((a) => a.id === above.id)).toMatchObject({ state: "triggered", triggeredPrice: 100.01, triggeredTick: 3, fireCount: 1, version: 2 });
  });

  it("crossesUp needs the previous tick below; equal prices neither cross nor re-cross; the first tick crosses nothing", async () => {
    const api = app.callerFor(await app.createUser());
    const ticker = freshTicker();
    const up = await api.alerts.create({ ticker, condition: "crossesUp", threshold: 100, mode: "rearm", cooldownSeconds: 0 });
    const down = await api.alerts.create({ ticker, condition: "crossesDown", threshold: 100, mode: "rearm", cooldownSeconds: 0 });
    // seq:        1    2    3    4    5   6    7    8
    await feed(app, ticker, [105, 100, 100, 99, 100, 101, 101, 99]);
    // 105 first: nothing. 105→100 crossesDown (prev > 100 ≥ price). 100→100 nothing. 100→99: prev not > 100 → nothing.
    // 99→100 crossesUp (prev < 100 ≤ price). 100→101: prev not < 100 → nothing. 101→99 crossesDown.
    expect(await firedSeqs(app, up.id)).toEqual([5]);
    expect(await firedSeqs(app, down.id)).toEqual([2, 8]);
  });

  it("expiry at the boundary: a tick at expiresAt does not fire, one just before does", async () => {
    const api = app.callerFor(await app.createUser());
    const [late, early] = [freshTicker(), freshTicker()];
    const a = await api.alerts.create({ ticker: late, condition: "above", threshold: 10, expiresAt: at(100) });
    const b = await api.alerts.create({ ticker: early, condition: "above", threshold: 10, expiresAt: at(100) });
    await feed(app, late, [[11, 100]]);
    await feed(app, early, [[11, 99.999]]);
    expect(await firedSeqs(app, a.id)).toEqual([]);
    expect(await firedSeqs(app, b.id)).toEqual([1]);
  });

  it("cooldown counts tick time: rearm fires again only once cooldownSeconds passed; out-of-order `at` follows sequence order", async () => {
    const api = app.callerFor(await app.createUser());
    const ticker = freshTicker();
    const alert = await api.alerts.create({ ticker, condition: "above", threshold: 10, mode: "rearm", cooldownSeconds: 60 });
    // seq 1 @0 fires; seq 2 @30 cooling; seq 3 @59.9 cooling; seq 4 @60 fires; seq 5 @200 (fires);
    // seq 6 @100: `at` went backwards — before 200+60, so cooling; seq 7 @260 fires.
    await feed(app, ticker, [[11, 0], [12, 30], [13, 59.9], [14, 60], [15, 200], [16, 100], [17, 260]]);
    expect(await firedSeqs(app, alert.id)).toEqual([1, 4, 5, 7]);
    const view = (await api.alerts.list()).find((a) => a.id === alert.id)!;
    expect(view).toMatchObject({ state: "armed", fireCount: 4, arming: 5 });
  });

  it("once → triggered; rearm arms it again (a new arming fires again); disable / enable; the default cooldown is the user's setting", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    await api.settings.set({ key: "alertCooldownSeconds", value: 0 });
    const ticker = freshTicker();
    const alert = await api.alerts.create({ ticker, condition: "above", threshold: 10 });
    expect(alert.cooldownSeconds).toBe(0);
    await feed(app, ticker, [[11, 0], [12, 1]]);
    expect(await firedSeqs(app, alert.id)).toEqual([1]);
    const rearmed = await api.alerts.rearm({ id: alert.id });
    expect(rearmed).toMatchObject({ state: "armed", arming: 2 });
    // Armed while the price already meets it: the evaluator's re-check (or the sweep) fires it on the latest tick.
    await sweepAlerts(app.services.db);
    expect(await firedSeqs(app, alert.id)).toEqual([1, 2]);
    const disabled = await api.alerts.disable({ id: alert.id });
    expect(disabled).toMatchObject({ state: "disabled", stateReason: "disabled by you" });
    await feed(app, ticker, [[13, 2]]);
    expect(await firedSeqs(app, alert.id)).toEqual([1, 2]);
    expect(await api.alerts.enable({ id: alert.id })).toMatchObject({ state: "armed", arming: 3 });
    await feed(app, ticker, [[14, 3]]);
    expect(await firedSeqs(app, alert.id)).toEqual([1, 2, 4]);
  });

  it("the runaway guard stops an alert that keeps firing and says why", async () => {
    const api = app.callerFor(await app.createUser());
    const ticker = freshTicker();
    const alert = await api.alerts.create({ ticker, condition: "above", threshold: 1, mode: "rearm", cooldownSeconds: 0 });
    await feed(app, ticker, Array.from({ length: RUNAWAY_MAX_FIRINGS + 5 }, (_, i) => [2, i] as [number, number]));
    expect((await firedSeqs(app, alert.id)).length).toBe(RUNAWAY_MAX_FIRINGS);
    const view = (await api.alerts.list()).find((a) => a.id === alert.id)!;
    expect(view.state).toBe("disabled");
    expect(view.stateReason).toMatch(/runaway guard/);
  });

  it("the firing audit lists each firing with its exact tick; alert.fired carries it on the owner's stream only", async () => {
    const ownerId = await app.createUser();
    const otherId = await app.createUser();
    const api = app.callerFor(ownerId);
    const ticker = freshTicker();
    const alert = await api.alerts.create({ ticker, condition: "below", threshold: 50, note: "buy the dip" });
    await app.callerFor(otherId).alerts.create({ ticker, condition: "above", threshold: 1e6 });
    await feed(app, ticker, [[60, 0], [49.5, 1]]);
    const page = await api.alerts.firings({ id: alert.id });
    expect(page.firings).toHaveLength(1);
    expect(page.firings[0]).toMatchObject({ alertId: alert.id, ticker, tickSeq: 2, price: 49.5, tickAt: at(1), arming: 1 });
    const events = await eventsAfter(app.services.db, ownerId, 0, 100);
    const fired = events.filter((e) => e.type === "alert.fired");
    expect(fired).toHaveLength(1);
    expect(fired[0]!.payload).toMatchObject({ alert: { id: alert.id, state: "triggered" }, firing: { tickSeq: 2, price: 49.5 } });
    expect((await eventsAfter(app.services.db, otherId, 0, 100)).filter((e) => e.type === "alert.fired")).toEqual([]);
    // Another user's alert id is not found, exactly like an unknown one.
    const other = app.callerFor(otherId);
    for (const call of [() => other.alerts.firings({ id: alert.id }), () => other.alerts.rearm({ id: alert.id }), () => other.alerts.delete({ id: alert.id })]) {
      expect((await rejection(call())).code).toBe("NOT_FOUND");
    }
  });

  it("bad ticks and oversize batches are rejected whole, nothing stored; a resent batch stores and fires nothing twice", async () => {
    const api = app.callerFor(await app.createUser());
    const ticker = freshTicker();
    const alert = await api.alerts.create({ ticker, condition: "above", threshold: 10, mode: "rearm", cooldownSeconds: 0 });
    const good = { ticker, price: 11, at: at(0) };
    for (const ticks of [
      [good, { ticker, price: -1, at: at(1) }],
      [good, { ticker, price: Number.NaN, at: at(1) }],
      [good, { ticker: "not a ticker!", price: 1, at: at(1) }],
      [good, { ticker, price: 1, at: "yesterday" }],
      Array.from({ length: 1001 }, () => good),
    ]) {
      await expect(ingestTicks(app.services.db, "feed", { ticks: ticks as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await app.services.db.prisma.priceTick.count({ where: { ticker } })).toBe(0);
    const requestId = `batch-${ticker}-0001`;
    const first = await ingestTicks(app.services.db, "feed", { ticks: [good, { ticker, price: 12, at: at(1) }], requestId });
    const again = await ingestTicks(app.services.db, "feed", { ticks: [good, { ticker, price: 12, at: at(1) }], requestId });
    expect(first).toMatchObject({ accepted: 2, replayed: false, tickers: [{ ticker, firstSeq: 1, lastSeq: 2 }] });
    expect(again).toEqual({ ...first, replayed: true });
    await evaluateTicker(app.services.db, ticker);
    expect(await app.services.db.prisma.priceTick.count({ where: { ticker } })).toBe(2);
    expect(await firedSeqs(app, alert.id)).toEqual([1, 2]);
  });

  it("a trader without the feed role gets FORBIDDEN and nothing is stored; latest and history read the tick log", async () => {
    const api = app.callerFor(await app.createUser());
    const ticker = freshTicker();
    const refused = await rejection(api.prices.ingest({ ticks: [{ ticker, price: 1, at: at(0) }] }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(await app.services.db.prisma.priceTick.count({ where: { ticker } })).toBe(0);
    await feed(app, ticker, [1, 2, 3]);
    expect(await api.prices.latest({ tickers: [ticker, "NOSUCH"] })).toEqual([{ ticker, seq: 3, price: 3, at: at(2) }]);
    expect((await api.prices.history({ ticker, since: at(1) })).map((t) => t.price)).toEqual([2, 3]);
  });

  it("validation names the field and writes nothing", async () => {
    const api = app.callerFor(await app.createUser());
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ticker: "bad ticker", condition: "above", threshold: 1 }, "ticker"],
      [{ ticker: "AAPL", condition: "sideways", threshold: 1 }, "condition"],
      [{ ticker: "AAPL", condition: "above", threshold: 0 }, "threshold"],
      [{ ticker: "AAPL", condition: "above", threshold: Number.POSITIVE_INFINITY }, "threshold"],
      [{ ticker: "AAPL", condition: "above", threshold: 1, expiresAt: new Date(Date.now() - 1000) }, "expiresAt"],
      [{ ticker: "AAPL", condition: "above", threshold: 1, cooldownSeconds: 86_401 }, "cooldownSeconds"],
      [{ ticker: "AAPL", condition: "above", threshold: 1, note: "x".repeat(501) }, "note"],
    ];
    for (const [input, field] of cases) {
      const error = await rejection(api.alerts.create(input as never));
      expect(error.code, JSON.stringify(input)).toBe("BAD_REQUEST");
      expect(Object.keys(errorData(error.cause).fieldErrors ?? {}), JSON.stringify(input)).toContain(field);
    }
    expect(await api.alerts.list()).toEqual([]);
  });
});
