import { formatDateTime, humanize } from "../../shared/format";
import type { TimelineEntry } from "../types";

// What each of the order's events means to the customer; unknown ones show their own name.
const MEANING: Record<string, string> = {
  OrderCreated: "Order placed",
  InventoryReserved: "Items reserved for you",
  InventoryReservationFailed: "Some items are out of stock",
  PaymentAuthorized: "Payment authorized",
  PaymentFailed: "Payment failed",
  PaymentCaptured: "Payment taken",
  PaymentVoided: "Payment authorization released",
  PaymentRefunded: "Payment refunded",
  OrderConfirmed: "Order confirmed",
  InventoryCommitted: "Items set aside for shipping",
  InventoryReleased: "Reserved items released",
  OrderFailed: "Order failed",
  OrderCancelled: "Order cancelled",
};

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <ol className="timeline" aria-label="Order timeline">
      {entries.map((entry) => (
        <li key={`${entry.version}-${entry.type}`} className={`timeline-entry timeline-${entry.type}`} data-event={entry.type}>
          <span className="timeline-what">{MEANING[entry.type] ?? humanize(entry.type)}</span>
          <time className="timeline-when muted" dateTime={entry.at}>
            {formatDateTime(entry.at)}
          </time>
          {typeof entry.reason === "string" && <span className="timeline-reason">{entry.reason}</span>}
        </li>
      ))}
    </ol>
  );
}
