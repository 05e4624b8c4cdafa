// What every page needs to talk to an HTTP API: one error type built from the API's error body
// ({"error": {"code", "message", "details"}}), and the words a person reads for any failure.

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Per-field messages of a validation error (details: [{"field", "message"}, ...]), keyed by the field's last part. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) return out;
    for (const item of this.details) {
      if (item && typeof item === "object" && "message" in item) {
        const entry = item as { field?: unknown; loc?: unknown; message: unknown };
        const path = typeof entry.field === "string" ? entry.field : Array.isArray(entry.loc) ? entry.loc.join(".") : "";
        const key = path.split(".").pop() ?? path;
        if (key && !(key in out)) out[key] = String(entry.message);
      }
    }
    return out;
  }
}

const STATUS_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  422: "VALIDATION_FAILED",
  429: "TOO_MANY_REQUESTS",
  503: "UNAVAILABLE",
};

/** The ApiError for a response that is not 2xx, from our error body when it has one. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const fallbackCode = STATUS_CODES[status] ?? (status >= 500 ? "SERVER_ERROR" : "HTTP_" + status);
  if (body && typeof body === "object") {
    const error = (body as { error?: unknown }).error;
    if (error && typeof error === "object") {
      const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
      return new ApiError(status, typeof code === "string" ? code : fallbackCode,
        typeof message === "string" ? message : defaultMessage(status), details ?? null);
    }
    // API Gateway's own answers before a function runs ({"message": "..."}) and other processors' shapes
    const message = (body as { message?: unknown }).message;
    if (typeof message === "string") return new ApiError(status, fallbackCode, message);
  }
  return new ApiError(status, fallbackCode, defaultMessage(status));
}

function defaultMessage(status: number): string {
  if (status === 401) return "Please sign in again.";
  if (status === 429) return "Too many requests right now. Please try again in a moment.";
  if (status >= 500) return "Something went wrong on our side. Please try again.";
  return `The request failed (HTTP ${status}).`;
}

export const NETWORK_ERROR_CODE = "NETWORK";

/** fetch() and JSON in one step: the decoded body, or an ApiError (a network failure is status 0). */
export async function fetchJson<T>(url: string, init: RequestInit = {}): Promise<{ data: T; headers: Headers; status: number }> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, NETWORK_ERROR_CODE, "Could not reach the server. Check your connection and try again.");
  }
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) throw errorFromBody(response.status, body);
  return { data: body as T, headers: response.headers, status: response.status };
}

/** A sentence for any error a page may catch. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong. Please try again.";
}
