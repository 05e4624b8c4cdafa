import { describe, expect, it } from "vitest";
import { formatDuration, formatMoney, humanize } from "./format";

describe("format", () => {
  it("shows cents as money", () => {
    expect(formatMoney(1599, "USD", "en-US")).toBe("$15.99");
    expect(formatMoney(100000, "USD", "en-US")).toBe("$1,000.00");
  });

  it("shows durations at a readable scale", () => {
    expect(formatDuration(12.4)).toBe("12 ms");
    expect(formatDuration(1240)).toBe("1.24 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(undefined)).toBe("–");
  });

  it("humanizes event and state names", () => {
    expect(humanize("InventoryReservationFailed")).toBe("Inventory reservation failed");
    expect(humanize("PAYMENT_DECLINED")).toBe("Payment declined");
  });
});
