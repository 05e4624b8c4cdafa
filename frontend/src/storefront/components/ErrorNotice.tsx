import { ApiError, describeError } from "../../shared/http";

/** An error as a person reads it: the API's message, announced to screen readers. */
export function ErrorNotice({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  const code = error instanceof ApiError && error.status !== 0 ? error.code : null;
  return (
    <div className="notice notice-error" role="alert">
      {title && <strong>{title} </strong>}
      <span>{describeError(error)}</span>
      {code && <span className="notice-code"> ({code})</span>}
      {onRetry && (
        <button type="button" className="button-link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
