import type { AlertCondition, AlertMode, AlertState } from "@/domain/alerts/schema";
import { formatPrice } from "../ui/format-number";

export const CONDITION_LABELS: Record<AlertCondition, string> = {
  above: "Above",
  below: "Below",
  crossesUp: "Crosses up",
  crossesDown: "Crosses down",
};

/** What each condition means, in the README's words (shown beside the picker). */
export const CONDITION_HINTS: Record<AlertCondition, string> = {
  above: "Fires on a tick priced above the threshold.",
  below: "Fires on a tick priced below the threshold.",
  crossesUp: "Fires when a tick reaches the threshold from below (the previous tick was under it).",
  crossesDown: "Fires when a tick reaches the threshold from above (the previous tick was over it).",
};

export const STATE_LABELS: Record<AlertState, string> = {
  armed: "Armed",
  triggered: "Triggered",
  expired: "Expired",
  disabled: "Disabled",
};

export const MODE_LABELS: Record<AlertMode, string> = { once: "Once", rearm: "Re-arming" };

export const MODE_HINTS: Record<AlertMode, string> = {
  once: "Fires once, then stays triggered until you rearm it.",
  rearm: "Stays armed and fires again on a later tick once the cooldown has passed.",
};

/** "above 190.00", "crosses up through 190.00". */
export function describeCondition(condition: AlertCondition, threshold: number): string {
  const price = formatPrice(threshold);
  switch (condition) {
    case "above":
      return `above ${price}`;
    case "below":
      return `below ${price}`;
    case "crossesUp":
      return `crosses up through ${price}`;
    case "crossesDown":
      return `crosses down through ${price}`;
  }
}

/** What happened when it fired: "rose above 190.00". */
export function describeFiring(condition: AlertCondition, threshold: number): string {
  const price = formatPrice(threshold);
  switch (condition) {
    case "above":
      return `traded above ${price}`;
    case "below":
      return `traded below ${price}`;
    case "crossesUp":
      return `crossed up through ${price}`;
    case "crossesDown":
      return `crossed down through ${price}`;
  }
}
