/**
 * Prices as traders read them: two decimals at least, more only when the
 * price has them (up to 4; below 1, up to 6), grouped thousands, tabular in
 * the stylesheet.
 */
export function formatPrice(price: number | null | undefined): string {
  if (price === null || price === undefined || !Number.isFinite(price)) return "—";
  return (Math.abs(price) < 1 && price !== 0 ? SUB_UNIT : PRICE).format(price);
}

// Built once: constructing an Intl formatter costs far more than using one, and prices re-render on every tick.
const PRICE = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 });
const SUB_UNIT = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 });

/** A price difference with its sign: "+1.25", "−0.40", "−0.0037" (a real minus sign). */
export function formatSignedPrice(delta: number): string {
  if (!Number.isFinite(delta)) return "—";
  const sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
  return `${sign}${(Math.abs(delta) < 1 ? SUB_UNIT : PRICE).format(Math.abs(delta))}`;
}

/** A percentage with its sign and two decimals: "+0.66%", "−1.20%". */
export function formatSignedPercent(percent: number): string {
  if (!Number.isFinite(percent)) return "—";
  const sign = percent > 0 ? "+" : percent < 0 ? "−" : "±";
  return `${sign}${Math.abs(percent).toFixed(2)}%`;
}

/** A duration in seconds as a trader says it: "0 s", "45 s", "5 min", "1 h 30 min", "1 day". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "0 s";
  if (seconds >= 86_400 && seconds % 86_400 === 0) return seconds === 86_400 ? "1 day" : `${seconds / 86_400} days`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return [h && `${h} h`, m && `${m} min`, s && `${s} s`].filter(Boolean).join(" ");
}
