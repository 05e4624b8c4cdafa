// The local cloud's control API, on the same origin as the console (/_localcloud/...), polled live.
import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "../shared/http";
import type { AslDefinition } from "./graph";

export const POLL_MS = 1500;

/** /_localcloud/<path>, relative to the console's own address (/_localcloud/console/). */
export function controlUrl(path: string): string {
  return new URL(`../${path}`, window.location.href).toString();
}

export async function control<T>(path: string): Promise<T> {
  return (await fetchJson<T>(controlUrl(path), { headers: { Accept: "application/json" } })).data;
}

export function useControl<T>(path: string | null, options: { poll?: boolean } = {}) {
  return useQuery({
    queryKey: ["control", path],
    queryFn: () => control<T>(path!),
    enabled: path !== null,
    refetchInterval: options.poll === false ? false : POLL_MS,
  });
}

export interface FunctionStats {
  logicalId: string;
  counters: { invocations: number; errors: number; throttles: number; cold_starts: number; init_ms: number; duration_ms: number; timeouts: number; gb_seconds: number };
  durationMs?: { p50: number | null; p99: number | null; samples: number };
  environments: { total: number; idle: number; busy: number };
  reservedConcurrency: number | null;
  memoryMb: number;
}

export interface Breaker {
  name: string;
  functions: string[];
  settings: Record<string, string>;
  state: "closed" | "open" | "half_open" | "unknown";
  calls?: number;
  failures?: number;
  failureRate?: number;
  since?: string | null;
  forMs?: number | null;
  retryInMs?: number;
  trialPermitsLeft?: number;
  recorded?: boolean;
  error?: string;
}

export interface CacheRatios { l1: number; l2: number; miss: number; reads: number; l1Ratio: number; l2Ratio: number; missRatio: number; hitRatio: number }

export interface Metrics {
  functions: Record<string, Record<string, number>>;
  cache: { total: CacheRatios; byFunction: Record<string, CacheRatios> };
}

export interface ExecutionSummary {
  name: string;
  arn: string;
  stateMachine: string;
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  startDate: string | null;
  stopDate: string | null;
  durationMs: number | null;
}

export type StateStatus = "succeeded" | "caught" | "failed" | "running";

export interface StateRun {
  status: StateStatus;
  enteredAt: string | null;
  exitedAt: string | null;
  durationMs: number | null;
  attempts: number;
  visits: number;
  error: string | null;
  cause: string | null;
}

export interface ExecutionDetail {
  execution: ExecutionSummary;
  stateMachine: { logicalId: string; arn: string; name: string; type: string; definition: AslDefinition };
  states: Record<string, StateRun>;
  path: string[];
  transitions: [string, string][];
  error: { error: string; cause: string | null } | null;
}

export interface BusEvent {
  seq: number;
  id: string;
  bus: string;
  source: string;
  detailType: string;
  time: string;
  orderId: string | null;
  rules: string[];
  detail: unknown;
}

export interface Email {
  id: string;
  kind: string;
  source: string;
  to: string[];
  subject: string;
  body: string;
}

export interface DeadLetterQueue {
  logicalId: string;
  name: string;
  feeds: string[];
  messages: number;
  inFlight: number;
}

export interface DeadLetter {
  messageId: string;
  body: unknown;
  attributes: Record<string, string>;
  messageAttributes: Record<string, string | undefined>;
}
