import { useParams } from "react-router";
import { useControl, type BusEvent, type Email, type ExecutionDetail } from "../api";
import { Failure, Loading, Section } from "../components/bits";
import { EventList } from "./Events";
import { ExecutionView } from "./Executions";
import { EmailList } from "./Mail";

interface OrderTrace {
  orderId: string;
  execution: ExecutionDetail | null;
  events: BusEvent[];
  emails: Email[];
}

/** One order across the system: its saga execution (named after it), its events, its emails. */
export function OrderTracePage() {
  const { orderId = "" } = useParams();
  const trace = useControl<OrderTrace>(`orders/${encodeURIComponent(orderId)}`);
  if (trace.isPending) return <Loading what={`order ${orderId}`} />;
  if (trace.isError) return <Failure error={trace.error} />;
  const { execution, events, emails } = trace.data;
  return (
    <>
      <h1 className="page-title">Order <span className="mono">{orderId}</span></h1>
      <Section title="Checkout saga" id="saga-title">
        {execution ? <ExecutionView detail={execution} /> : <p className="muted">No execution named {orderId} (yet).</p>}
      </Section>
      <Section title={`Events (${events.length})`} id="order-events-title">
        <EventList events={events} />
      </Section>
      <Section title={`Emails (${emails.length})`} id="order-emails-title">
        <EmailList emails={emails} />
      </Section>
    </>
  );
}
