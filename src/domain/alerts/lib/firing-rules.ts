import { RUNAWAY_MAX_FIRINGS, RUNAWAY_WINDOW_SECONDS, type AlertCondition, type AlertMode, type AlertState } from "../schema";

/**
 * The semantics of an alert, as pure functions (the evaluator, the sweep and the
 * docs agree on these; tests/…/alerts oracles re-derive them independently):
 *
 * - above: the tick's price > threshold; below: price < threshold.
 * - crossesUp: the previous tick (in the ticker's sequence order) < threshold ≤
 *   price; crossesDown: previous > threshold ≥ price. A ticker's first tick has
 *   no previous tick and crosses nothing.
 * - A tick can fire an armed alert only if it is later in sequence than the tick
 *   that fired it last, its time (`at`) is before `expiresAt`, and at least
 *   `cooldownSeconds` of tick time passed since the last firing.
 * - once: a firing leaves it `triggered` (rearm arms it again); rearm: it stays
 *   armed for the next tick that passes the cooldown.
 * - Runaway guard: the RUNAWAY_MAX_FIRINGS-th firing within RUNAWAY_WINDOW_SECONDS
 *   of tick time disables the alert, with the reason in `stateReason`.
 */
export interface Tick {
  seq: number;
  price: number;
  at: Date;
}

export interface FiringState {
  condition: AlertCondition;
  threshold: number;
  mode: AlertMode;
  state: AlertState;
  cooldownSeconds: number;
  expiresAt: Date | null;
  arming: number;
  fireCount: number;
  lastFiredAt: Date | null;
  lastFiredSeq: number | null;
  windowStartAt: Date | null;
  windowFires: number;
}

export function conditionMet(condition: AlertCondition, threshold: number, tick: Pick<Tick, "price">, previous: Pick<Tick, "price"> | null): boolean {
  switch (condition) {
    case "above":
      return tick.price > threshold;
    case "below":
      return tick.price < threshold;
    case "crossesUp":
      return previous !== null && previous.price < threshold && threshold <= tick.price;
    case "crossesDown":
      return previous !== null && previous.price > threshold && threshold >= tick.price;
  }
}

export function mayFire(alert: FiringState, tick: Tick, previous: Tick | null): boolean {
  if (alert.state !== "armed") return false;
  if (alert.lastFiredSeq !== null && tick.seq <= alert.lastFiredSeq) return false;
  if (alert.expiresAt !== null && tick.at.getTime() >= alert.expiresAt.getTime()) return false;
  if (alert.lastFiredAt !== null && tick.at.getTime() < alert.lastFiredAt.getTime() + alert.cooldownSeconds * 1000) return false;
  return conditionMet(alert.condition, alert.threshold, tick, previous);
}

/** The alert's fields after `tick` fires it. */
export function afterFiring(alert: FiringState, tick: Tick) {
  const windowOpen = alert.windowStartAt !== null && tick.at.getTime() - alert.windowStartAt.getTime() < RUNAWAY_WINDOW_SECONDS * 1000;
  const windowStartAt = windowOpen ? alert.windowStartAt! : tick.at;
  const windowFires = windowOpen ? alert.windowFires + 1 : 1;
  const runaway = windowFires >= RUNAWAY_MAX_FIRINGS;
  const state: AlertState = runaway ? "disabled" : alert.mode === "once" ? "triggered" : "armed";
  return {
    state,
    stateReason: runaway ? `stopped by the runaway guard: fired ${windowFires} times within ${RUNAWAY_WINDOW_SECONDS} s` : null,
    arming: state === "armed" ? alert.arming + 1 : alert.arming,
    fireCount: alert.fireCount + 1,
    lastFiredAt: tick.at,
    lastFiredSeq: tick.seq,
    windowStartAt,
    windowFires,
  };
}
