import { useState } from "react";
import { Link } from "react-router";
import { formatTime } from "../../shared/format";
import { useControl, type BusEvent } from "../api";
import { Expandable, Failure, Json, Loading, Section } from "../components/bits";

export function EventList({ events }: { events: BusEvent[] }) {
  if (events.length === 0) return <p className="muted">No events.</p>;
  return (
    <ol className="events" aria-label="Events, newest first">
      {events.map((event) => (
        <li key={event.seq} data-event={event.detailType}>
          <Expandable label={`the detail of ${event.detailType} ${event.id}`} summary={
            <span className="event-line">
              <time dateTime={event.time} className="muted">{formatTime(event.time)}</time>
              <strong>{event.detailType}</strong>
              <span className="muted">{event.source}</span>
              {event.orderId && <Link to={`/orders/${encodeURIComponent(event.orderId)}`} className="mono">{event.orderId}</Link>}
              <span className="muted small">{event.rules.length ? `→ ${event.rules.join(", ")}` : "no rule matched"}</span>
            </span>
          }>
            <p className="small muted">id {event.id} on {event.bus}</p>
            <Json value={event.detail} />
          </Expandable>
        </li>
      ))}
    </ol>
  );
}

export function EventsPage() {
  const [type, setType] = useState("");
  const events = useControl<{ items: BusEvent[]; total: number }>(`events?limit=300${type ? `&type=${encodeURIComponent(type)}` : ""}`);
  const types = useControl<{ items: BusEvent[] }>("events?limit=1000", { poll: false });
  const known = [...new Set((types.data?.items ?? []).map((e) => e.detailType))].sort();
  return (
    <Section title="Events on the bus" id="events-title" aside={
      <label className="filter">
        Type{" "}
        <select value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">all</option>
          {known.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </label>
    }>
      {events.isPending ? <Loading what="events" /> : events.isError ? <Failure error={events.error} /> : (
        <>
          <p className="muted small">{events.data.total} events recorded since the local cloud started (the latest 300 shown).</p>
          <EventList events={events.data.items} />
        </>
      )}
    </Section>
  );
}
