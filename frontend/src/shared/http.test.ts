import { describe, expect, it } from "vitest";
import { ApiError, describeError, errorFromBody } from "./http";

describe("errorFromBody", () => {
  it("reads the API's error body", () => {
    const error = errorFromBody(409, { error: { code: "INSUFFICIENT_STOCK", message: "only 0 of X available", details: { sku: "X" } } });
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message]).toEqual([409, "INSUFFICIENT_STOCK", "only 0 of X available"]);
    expect(error.details).toEqual({ sku: "X" });
  });

  it("keeps API Gateway's own message and names the status", () => {
    const error = errorFromBody(403, { message: "Missing Authentication Token" });
    expect([error.code, error.message]).toEqual(["FORBIDDEN", "Missing Authentication Token"]);
  });

  it("says something useful without a body", () => {
    expect(errorFromBody(502, null).message).toMatch(/try again/);
    expect(errorFromBody(429, "").code).toBe("TOO_MANY_REQUESTS");
  });

  it("maps validation details to fields", () => {
    const error = errorFromBody(422, { error: { code: "VALIDATION_FAILED", message: "invalid", details: [
      { loc: ["body", "shippingAddress", "country"], field: "body.shippingAddress.country", message: "String should match pattern" },
      { loc: ["body", "password"], message: "too short" },
    ] } });
    expect(error.fieldErrors).toEqual({ country: "String should match pattern", password: "too short" });
  });

  it("describes any error", () => {
    expect(describeError(new Error("boom"))).toBe("boom");
    expect(describeError("??")).toMatch(/went wrong/);
  });
});
