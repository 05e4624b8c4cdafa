import { humanize } from "../../shared/format";
import type { OrderStatus } from "../types";

const LABELS: Record<OrderStatus, string> = {
  PENDING: "Processing",
  CONFIRMED: "Confirmed",
  FAILED: "Failed",
  CANCELLED: "Cancelled",
};

export function StatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span className={`status status-${status.toLowerCase()}`} data-status={status}>
      {LABELS[status] ?? humanize(status)}
    </span>
  );
}

/** "PAYMENT_DECLINED: Your card was declined." -> the sentence, and the code apart. */
export function splitReason(reason: string): { code: string | null; message: string } {
  const match = /^([A-Z][A-Z0-9_]+):\s*(.*)$/s.exec(reason);
  return match ? { code: match[1], message: match[2] } : { code: null, message: reason };
}
