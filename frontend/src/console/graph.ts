// A state machine's definition (Amazon States Language) as a graph to draw: one node per top-level
// state, one edge per way out of it (Next, each Catch, each Choice rule, Default), laid out by dagre.
import { Graph, layout } from "@dagrejs/dagre";

export type EdgeKind = "next" | "catch" | "choice" | "default";

export interface StateNode {
  id: string;
  type: string;
  start: boolean;
  /** a state that ends the execution: Succeed / Fail, or End: true */
  end: "succeed" | "fail" | "end" | null;
}

export interface StateEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Choices?: { Next: string }[];
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
}

export function stateGraph(definition: AslDefinition): { nodes: StateNode[]; edges: StateEdge[] } {
  const nodes: StateNode[] = [];
  const edges: StateEdge[] = [];
  for (const [id, state] of Object.entries(definition.States)) {
    const end = state.Type === "Succeed" ? "succeed" : state.Type === "Fail" ? "fail" : state.End ? "end" : null;
    nodes.push({ id, type: state.Type, start: id === definition.StartAt, end });
    if (state.Next) edges.push({ from: id, to: state.Next, kind: "next" });
    state.Choices?.forEach((choice, index) => edges.push({ from: id, to: choice.Next, kind: "choice", label: `rule ${index + 1}` }));
    if (state.Default) edges.push({ from: id, to: state.Default, kind: "default", label: "default" });
    for (const handler of state.Catch ?? []) {
      edges.push({ from: id, to: handler.Next, kind: "catch", label: catchLabel(handler.ErrorEquals) });
    }
  }
  return { nodes, edges };
}

function catchLabel(errors: string[]): string {
  return errors.map((e) => (e === "States.ALL" ? "any error" : e)).join(", ");
}

export interface PlacedNode extends StateNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends StateEdge {
  points: { x: number; y: number }[];
  labelAt?: { x: number; y: number };
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const NODE_HEIGHT = 46;
const CHAR_WIDTH = 7.4; // at the 13px system font the graph uses; nodes are sized before the text is drawn

export function layoutGraph({ nodes, edges }: { nodes: StateNode[]; edges: StateEdge[] }): Layout {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 46, edgesep: 14, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    graph.setNode(node.id, { width: Math.max(120, node.id.length * CHAR_WIDTH + 28), height: NODE_HEIGHT });
  }
  edges.forEach((edge, index) => {
    // the happy path (Next) pulls the layout straight down; catches may bend
    graph.setEdge(edge.from, edge.to, { weight: edge.kind === "next" ? 4 : 1, minlen: 1 }, `e${index}`);
  });
  layout(graph);
  const placed = nodes.map((node) => {
    const box = graph.node(node.id) as { x: number; y: number; width: number; height: number };
    return { ...node, x: box.x, y: box.y, width: box.width, height: box.height };
  });
  const routed = edges.map((edge, index) => {
    const route = graph.edge({ v: edge.from, w: edge.to, name: `e${index}` }) as { points?: { x: number; y: number }[] };
    const points = route?.points ?? [];
    return { ...edge, points, labelAt: points.length ? points[Math.floor(points.length / 2)] : undefined };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes: placed, edges: routed };
}
