import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { evaluateTicker, fireAlertsAt, sweepAlerts } from "@/domain/alert-firing/mutations";
import { eventsAfter } from "@/domain/events/data";
import { ingestTicks } from "@/domain/prices/mutations";
import { describeWithApp, type TestApp } from "../../harness/app";
import { createBarrier, together } from "../../harness/barrier";

const T0 = Date.UTC(2031, 0, 1);
let n = 0;
const freshTicker = () => `C${Date.now().toString(36).slice(-5).toUpperCase()}${(n++).toString(36).toUpperCase()}`;

async function firedEvents(app: TestApp, userId: string) {
  return (await eventsAfter(app.services.db, userId, 0, 1000)).filter((e) => e.type === "alert.fired");
}

/**
 * The original defect: 10 threads evaluated alerts and disabled a fired one with
 * `UPDATE … SET enabled = 0 WHERE id = ?` (no `AND enabled = 1`), so two that both
 * saw it armed both sent the notification. Here every evaluator path runs at once.
 */
describeWithApp("alert firing under concurrency on %s", (app) => {
  it("10 evaluators released together on one matching alert: one firing row, one alert.fired event, state triggered", async () => {
    const userId = await app.createUser();
    const ticker = freshTicker();
    const alert = await app.callerFor(userId).alerts.create({ ticker, condition: "above", threshold: 100 });
    await ingestTicks(app.services.db, "feed", { ticks: [{ ticker, price: 101, at: new Date(T0) }] });
    const tick = { seq: 1, price: 101, at: new Date(T0) };

    const results = await together(10, (i): Promise<unknown> => (i % 2 === 0 ? fireAlertsAt(app.services.db, ticker, tick, null) : evaluateTicker(app.services.db, ticker)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await app.services.db.prisma.alertFiring.count({ where: { alertId: alert.id } })).toBe(1);
    expect(await firedEvents(app, userId)).toHaveLength(1);
    expect((await app.callerFor(userId).alerts.list())[0]).toMatchObject({ state: "triggered", fireCount: 1 });

    // Already triggered: evaluating again, the sweep, and the re-check add nothing.
    await together(10, () => Promise.all([fireAlertsAt(app.services.db, ticker, tick, null), sweepAlerts(app.services.db)]));
    expect(await app.services.db.prisma.alertFiring.count({ where: { alertId: alert.id } })).toBe(1);
    expect(await firedEvents(app, userId)).toHaveLength(1);
  });

  it("one tick firing alerts of 20 users, evaluated by 10 evaluators at once: every alert once, no deadlock, no error", async () => {
    const ticker = freshTicker();
    const owners = await Promise.all(Array.from({ length: 20 }, () => app.createUser()));
    for (const owner of owners) {
      await app.callerFor(owner).alerts.create({ ticker, condition: "crossesUp", threshold: 50 });
      await app.callerFor(owner).alerts.create({ ticker, condition: "above", threshold: 10, mode: "rearm", cooldownSeconds: 0 });
    }
    await ingestTicks(app.services.db, "feed", { ticks: [{ ticker, price: 40, at: new Date(T0) }, { ticker, price: 60, at: new Date(T0 + 1000) }] });
    const results = await together(10, () => evaluateTicker(app.services.db, ticker));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    // crossesUp at seq 2 once per owner; the rearm alert at seq 1 and seq 2 per owner.
    expect(await app.services.db.prisma.alertFiring.count({ where: { ticker } })).toBe(20 * 3);
    const perTick = await app.services.db.prisma.alertFiring.groupBy({ by: ["alertId", "tickSeq"], where: { ticker }, _count: { _all: true } });
    expect(perTick.every((g) => g._count._all === 1)).toBe(true);
    for (const owner of owners) expect(await firedEvents(app, owner)).toHaveLength(3);
    expect(await app.services.db.prisma.ticker.findUnique({ where: { ticker }, select: { evaluatedSeq: true } })).toEqual({ evaluatedSeq: 2 });
  });

  it("negative control: the original unguarded claim, run by 10 evaluators, is stopped only by the unique key per arming", async () => {
    const userId = await app.createUser();
    const ticker = freshTicker();
    const alert = await app.callerFor(userId).alerts.create({ ticker, condition: "above", threshold: 1 });
    const db = app.services.db;
    // The original: each evaluator reads "armed" (all read before any writes, as the
    // thread pool did), then UPDATE … WHERE id = ? with no state in the WHERE, then records.
    const allRead = createBarrier(10);
    const naive = async () => {
      const seen = await db.prisma.alert.findUnique({ where: { id: alert.id }, select: { state: true, arming: true } });
      await allRead.arrive();
      if (seen?.state !== "armed") return "skipped";
      const { count } = await db.prisma.alert.updateMany({ where: { id: alert.id }, data: { state: "triggered" } });
      if (count !== 1) return "lost";
      await db.prisma.alertFiring.create({
        data: { id: randomUUID(), alertId: alert.id, userId, arming: seen.arming, ticker, tickSeq: 1, price: 2, tickAt: new Date(T0) },
      });
      return "recorded";
    };
    const outcomes = await together(10, naive);
    const recorded = outcomes.filter((o) => o.status === "fulfilled" && o.value === "recorded").length;
    const refusedByUniqueKey = outcomes.filter((o) => o.status === "rejected" && (o.reason as { code?: string }).code === "P2002").length;
    const claimed = recorded + refusedByUniqueKey;
    console.log(`[alerts negative control] unguarded claim: ${claimed} of 10 evaluators "won"; the unique key refused ${refusedByUniqueKey} duplicate firings`);
    // Every evaluator "won" the unguarded update (the defect: each would have notified)…
    expect(claimed).toBe(10);
    // …and only the database's unique key per (alert, arming) kept the audit at one row.
    expect(recorded).toBe(1);
    expect(await db.prisma.alertFiring.count({ where: { alertId: alert.id } })).toBe(1);
  });
});
