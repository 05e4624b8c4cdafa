import { useState, type ReactNode } from "react";
import { describeError } from "../../shared/http";

export function Loading({ what }: { what: string }) {
  return <p className="muted" role="status">Loading {what}…</p>;
}

export function Failure({ error }: { error: unknown }) {
  return <p className="error" role="alert">{describeError(error)}</p>;
}

export function Section({ title, children, id, aside }: { title: string; children: ReactNode; id: string; aside?: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={id}>
      <header className="panel-head">
        <h2 id={id}>{title}</h2>
        {aside}
      </header>
      {children}
    </section>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

/** A row that opens to show more (keyboard: the button). */
export function Expandable({ summary, children, label }: { summary: ReactNode; children: ReactNode; label: string }) {
  const [open, setOpen] = useState(false);
  return (
    <div className={`expandable${open ? " open" : ""}`}>
      <button type="button" className="expand" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`${open ? "Hide" : "Show"} ${label}`}>
        {open ? "▾" : "▸"}
      </button>
      <div className="expandable-summary">{summary}</div>
      {open && <div className="expandable-body">{children}</div>}
    </div>
  );
}

export function Status({ value }: { value: string }) {
  return <span className={`badge badge-${value.toLowerCase()}`} data-status={value}>{value.replace("_", " ")}</span>;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
