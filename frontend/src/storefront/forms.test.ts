import { describe, expect, it } from "vitest";
import { addressErrors, cardErrors, EMPTY_ADDRESS, parseExpiry } from "./forms";

describe("card form", () => {
  it("reads MM/YY and MM/YYYY", () => {
    expect(parseExpiry("12/30")).toEqual({ expMonth: 12, expYear: 2030 });
    expect(parseExpiry(" 4 / 2031 ")).toEqual({ expMonth: 4, expYear: 2031 });
    expect(parseExpiry("13/30")).toBeNull();
    expect(parseExpiry("1230")).toBeNull();
  });

  it("names each field that is wrong", () => {
    expect(cardErrors({ number: "4242 4242 4242 4242", expiry: "12/30", cvc: "123" })).toEqual({});
    expect(Object.keys(cardErrors({ number: "4242", expiry: "", cvc: "12" })).sort()).toEqual(["cvc", "expiry", "number"]);
  });
});

describe("address form", () => {
  it("asks for every required field and a two-letter country", () => {
    expect(Object.keys(addressErrors(EMPTY_ADDRESS)).sort()).toEqual(["city", "country", "line1", "postalCode"]);
    const filled = { ...EMPTY_ADDRESS, line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };
    expect(addressErrors(filled)).toEqual({});
    expect(addressErrors({ ...filled, country: "USA" })).toHaveProperty("country");
  });
});
