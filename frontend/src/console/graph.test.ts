import { describe, expect, it } from "vitest";
import { layoutGraph, stateGraph, type AslDefinition } from "./graph";

const saga: AslDefinition = {
  StartAt: "Reserve",
  States: {
    Reserve: { Type: "Task", Next: "Pay", Catch: [{ ErrorEquals: ["OutOfStock"], Next: "Fail" }] },
    Pay: { Type: "Task", Next: "Done", Catch: [{ ErrorEquals: ["States.ALL"], Next: "Release" }] },
    Release: { Type: "Task", Next: "Fail" },
    Done: { Type: "Succeed" },
    Fail: { Type: "Fail" },
  },
};

describe("stateGraph", () => {
  it("has a node per state and an edge per way out", () => {
    const { nodes, edges } = stateGraph(saga);
    expect(nodes.map((n) => n.id)).toEqual(["Reserve", "Pay", "Release", "Done", "Fail"]);
    expect(nodes.find((n) => n.id === "Reserve")?.start).toBe(true);
    expect(nodes.find((n) => n.id === "Fail")?.end).toBe("fail");
    expect(edges).toContainEqual({ from: "Reserve", to: "Fail", kind: "catch", label: "OutOfStock" });
    expect(edges).toContainEqual({ from: "Pay", to: "Release", kind: "catch", label: "any error" });
    expect(edges.filter((e) => e.kind === "next")).toHaveLength(3);
  });

  it("lays the happy path out top to bottom", () => {
    const placed = layoutGraph(stateGraph(saga));
    const y = (id: string) => placed.nodes.find((n) => n.id === id)!.y;
    expect(y("Reserve")).toBeLessThan(y("Pay"));
    expect(y("Pay")).toBeLessThan(y("Done"));
    expect(placed.width).toBeGreaterThan(0);
    expect(placed.edges.every((e) => e.points.length >= 2)).toBe(true);
  });
});
