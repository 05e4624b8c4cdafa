import { Link, useLocation } from "react-router";
import { useAccount } from "../context";
import { useStock } from "../queries";
import { ErrorNotice } from "./ErrorNotice";

const LOW_STOCK = 5;

/** Availability from GET /inventory/{sku}, which the API serves to signed-in shoppers. */
export function StockStatus({ sku }: { sku: string }) {
  const { session } = useAccount();
  const location = useLocation();
  const stock = useStock(sku);
  if (!session) {
    return (
      <p className="stock stock-unknown">
        <Link to={`/signin?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> to see availability.
      </p>
    );
  }
  if (stock.isPending) return <p className="stock muted">Checking availability…</p>;
  if (stock.isError) return <ErrorNotice error={stock.error} title="Availability unknown." />;
  const { available } = stock.data;
  if (available <= 0) return <p className="stock stock-out">Out of stock</p>;
  return (
    <p className={`stock ${available <= LOW_STOCK ? "stock-low" : "stock-in"}`}>
      {available <= LOW_STOCK ? `Only ${available} left in stock` : `${available} in stock`}
    </p>
  );
}
