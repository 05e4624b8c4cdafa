import { useMemo } from "react";
import { formatDuration, humanize } from "../../shared/format";
import type { StateRun } from "../api";
import { layoutGraph, stateGraph, type AslDefinition, type PlacedEdge } from "../graph";

const STATUS_TEXT: Record<string, string> = {
  succeeded: "succeeded",
  caught: "failed, caught",
  failed: "failed",
  running: "running",
  idle: "not reached",
};

function path(edge: PlacedEdge): string {
  const [first, ...rest] = edge.points;
  if (!first) return "";
  return `M${first.x},${first.y} ` + rest.map((p) => `L${p.x},${p.y}`).join(" ");
}

/** The state machine drawn from its definition; with an execution, each state coloured by what it
 * did and the transitions it took drawn bold (the failed and compensating paths included). */
export function SagaGraph({ definition, states = {}, transitions = [], title }: {
  definition: AslDefinition; states?: Record<string, StateRun>; transitions?: [string, string][]; title: string;
}) {
  const placed = useMemo(() => layoutGraph(stateGraph(definition)), [definition]);
  const moves = new Set(transitions.map(([a, b]) => `${a}->${b}`));
  // a state may reach the same next state by Next and by a Catch: a caught failure took the Catch
  const taken = (edge: PlacedEdge) =>
    moves.has(`${edge.from}->${edge.to}`) && (edge.kind === "catch") === (states[edge.from]?.status === "caught");
  return (
    <figure className="graph">
      <svg viewBox={`0 0 ${placed.width} ${placed.height}`} width={placed.width} height={placed.height} role="img" aria-labelledby="graph-title" className="graph-svg">
        <title id="graph-title">{title}</title>
        <defs>
          {["next", "catch", "taken"].map((kind) => (
            <marker key={kind} id={`arrow-${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className={`arrow arrow-${kind}`} />
            </marker>
          ))}
        </defs>
        {placed.edges.map((edge, index) => {
          const isTaken = taken(edge);
          const kind = edge.kind === "catch" ? "catch" : "next";
          return (
            <g key={index} className={`edge edge-${edge.kind}${isTaken ? " edge-taken" : ""}`} data-from={edge.from} data-to={edge.to} data-taken={isTaken || undefined}>
              {edge.label && <title>{`${edge.from} → ${edge.to} on ${edge.label}`}</title>}
              <path d={path(edge)} markerEnd={`url(#arrow-${isTaken ? "taken" : kind})`} />
              {isTaken && edge.kind === "catch" && edge.labelAt && (
                <text x={edge.labelAt.x + 6} y={edge.labelAt.y - 4} className="edge-label edge-label-taken">{states[edge.from]?.error ?? edge.label}</text>
              )}
            </g>
          );
        })}
        {placed.nodes.map((node) => {
          const run = states[node.id];
          const status = run?.status ?? "idle";
          return (
            <g key={node.id} className={`node node-${status}${node.end ? ` node-end-${node.end}` : ""}`} data-state={node.id} data-status={status}
              transform={`translate(${node.x - node.width / 2},${node.y - node.height / 2})`}>
              <title>{`${node.id} (${node.type}): ${STATUS_TEXT[status]}${run?.durationMs != null ? `, ${formatDuration(run.durationMs)}` : ""}${run?.error ? `, ${run.error}` : ""}`}</title>
              <rect width={node.width} height={node.height} rx={node.type === "Task" ? 8 : 22} />
              <text x={node.width / 2} y={run ? 19 : 27} textAnchor="middle" className="node-name">{node.id}</text>
              {run && (
                <text x={node.width / 2} y={36} textAnchor="middle" className="node-meta">
                  {run.durationMs != null ? formatDuration(run.durationMs) : humanize(status)}
                  {run.attempts > 1 ? ` · ${run.attempts} tries` : ""}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        <span className="swatch swatch-succeeded" /> succeeded <span className="swatch swatch-caught" /> failed, caught
        <span className="swatch swatch-failed" /> failed <span className="swatch swatch-running" /> running
        <span className="swatch swatch-idle" /> not reached · dashed: a Catch (hover for its errors) · bold: the path taken
      </figcaption>
    </figure>
  );
}
