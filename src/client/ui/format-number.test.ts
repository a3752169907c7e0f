import { describe, expect, it } from "vitest";
import { formatPrice, formatSeconds, formatSignedPercent, formatSignedPrice } from "./format-number";
import { formatAgo, formatRelative } from "./relative-time";

describe("numbers as traders read them", () => {
  it("prices: two decimals at least, more when the price has them", () => {
    expect(formatPrice(190)).toBe("190.00");
    expect(formatPrice(1234.5)).toBe("1,234.50");
    expect(formatPrice(1.08425)).toBe("1.0843");
    expect(formatPrice(0.2)).toBe("0.20");
    expect(formatPrice(0.00012345)).toBe("0.000123");
    expect(formatPrice(undefined)).toBe("—");
  });

  it("differences and percentages carry their sign (a real minus)", () => {
    expect(formatSignedPrice(1.5)).toBe("+1.50");
    expect(formatSignedPrice(-0.2)).toBe("−0.20");
    expect(formatSignedPrice(-0.0037)).toBe("−0.0037");
    expect(formatSignedPercent(7.5)).toBe("+7.50%");
    expect(formatSignedPercent(-0.004)).toBe("−0.00%");
  });

  it("durations in the largest units", () => {
    expect(formatSeconds(0)).toBe("0 s");
    expect(formatSeconds(45)).toBe("45 s");
    expect(formatSeconds(300)).toBe("5 min");
    expect(formatSeconds(5400)).toBe("1 h 30 min");
    expect(formatSeconds(86_400)).toBe("1 day");
  });

  it("relative times; a past event slightly ahead of the tab's clock is just now", () => {
    const now = Date.UTC(2031, 0, 1, 12);
    expect(formatRelative(new Date(now + 3 * 60_000), now)).toBe("in 3 min");
    expect(formatRelative(new Date(now - 12_000), now)).toBe("12 s ago");
    expect(formatAgo(new Date(now + 800), now)).toBe("just now");
    expect(formatAgo(new Date(now - 90_000), now)).toBe("1 min ago");
  });
});
