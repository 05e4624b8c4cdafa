import { formatMoney } from "../../shared/format";

export function Price({ cents, currency }: { cents: number; currency: string }) {
  return <span className="price">{formatMoney(cents, currency)}</span>;
}
