import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, Navigate, useParams } from "react-router";
import { formatDateTime } from "../../shared/format";
import { ApiError } from "../../shared/http";
import { ErrorNotice } from "../components/ErrorNotice";
import { splitReason, StatusBadge } from "../components/OrderStatus";
import { Price } from "../components/Price";
import { Timeline } from "../components/Timeline";
import { useAccount, usePageTitle, useShop } from "../context";
import { useOrder } from "../queries";
import type { Order } from "../types";

export function OrdersPage() {
  usePageTitle("My orders");
  const { session } = useAccount();
  const { api } = useShop();
  const pages = useInfiniteQuery({
    queryKey: ["orders", session?.email],
    queryFn: ({ pageParam }) => api.orders(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? null,
    enabled: Boolean(session),
  });
  if (!session) return <Navigate to="/signin?next=/orders" replace />;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">My orders</h1>
      {pages.isPending && <p className="muted">Loading your orders…</p>}
      {pages.isError && <ErrorNotice error={pages.error} title="Could not load your orders." onRetry={() => pages.refetch()} />}
      {pages.data && <OrderTable orders={pages.data.pages.flatMap((page) => page.items)} />}
      {pages.hasNextPage && (
        <button type="button" className="button-secondary more" onClick={() => pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          Older orders
        </button>
      )}
    </section>
  );
}

function OrderTable({ orders }: { orders: Order[] }) {
  if (orders.length === 0) return <p className="empty">No orders yet. <Link to="/">Start shopping</Link></p>;
  return (
    <table className="orders">
      <caption className="visually-hidden">Your orders, newest first</caption>
      <thead>
        <tr><th scope="col">Order</th><th scope="col">Placed</th><th scope="col">Items</th><th scope="col">Total</th><th scope="col">Status</th></tr>
      </thead>
      <tbody>
        {orders.map((order) => (
          <tr key={order.orderId}>
            <td><Link to={`/orders/${encodeURIComponent(order.orderId)}`}>{order.orderId}</Link></td>
            <td>{formatDateTime(order.createdAt)}</td>
            <td>{order.items.reduce((n, item) => n + item.quantity, 0)}</td>
            <td><Price cents={order.total} currency={order.currency} /></td>
            <td><StatusBadge status={order.status} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OrderPage() {
  const { orderId = "" } = useParams();
  usePageTitle(`Order ${orderId}`);
  const { session } = useAccount();
  const order = useOrder(session ? orderId : undefined);
  if (!session) return <Navigate to={`/signin?next=${encodeURIComponent(`/orders/${orderId}`)}`} replace />;
  // the order's read model follows the checkout by a moment: a 404 right after it means "not yet"
  const notYet = order.isError && order.error instanceof ApiError && order.error.status === 404 && order.failureCount < 20;
  return (
    <section aria-labelledby="page-title" className="order-page">
      <h1 id="page-title">Order <span className="order-id">{orderId}</span></h1>
      {(order.isPending || notYet) && <p className="muted" role="status">Placing your order…</p>}
      {order.isError && !notYet && !order.data && <ErrorNotice error={order.error} title="Could not load this order." onRetry={() => order.refetch()} />}
      {order.data && <OrderDetails order={order.data} />}
    </section>
  );
}

function OrderDetails({ order }: { order: Order }) {
  const { site } = useShop();
  const reason = order.reason ? splitReason(order.reason) : null;
  return (
    <>
      <div className="order-status" aria-live="polite" aria-atomic="true">
        <p>Status: <StatusBadge status={order.status} /></p>
        {order.status === "PENDING" && <p className="muted">We are reserving your items and authorizing your payment…</p>}
        {order.status === "CONFIRMED" && <p>Thank you! Your order is confirmed; a confirmation email is on its way.</p>}
        {order.status === "FAILED" && reason && (
          <p className="notice notice-error order-reason">
            {reason.message}{reason.code && <span className="notice-code"> ({reason.code})</span>}
          </p>
        )}
      </div>
      {order.status === "PENDING" && <CancelOrder orderId={order.orderId} />}
      <div className="order-grid">
        <div>
          <h2>Timeline</h2>
          <Timeline entries={order.timeline ?? []} />
        </div>
        <div>
          <h2>Items</h2>
          <ul className="order-items">
            {order.items.map((item) => (
              <li key={item.sku}>
                <span>{item.quantity} × {item.name}</span>
                <Price cents={item.lineTotal} currency={order.currency} />
              </li>
            ))}
          </ul>
          <p className="cart-total">Total <Price cents={order.total} currency={order.currency} /></p>
          <p className="muted small">Placed {formatDateTime(order.createdAt)}</p>
        </div>
      </div>
      {site.consoleUrl && (
        <p className="muted small">
          <a href={`${site.consoleUrl}#/orders/${encodeURIComponent(order.orderId)}`}>This order in the operations console</a>
          {" "}(local cloud only: its saga execution and events)
        </p>
      )}
    </>
  );
}

function CancelOrder({ orderId }: { orderId: string }) {
  const { api } = useShop();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    mutationFn: () => api.cancelOrder(orderId),
    onSettled: () => client.invalidateQueries({ queryKey: ["order", orderId] }),
  });
  return (
    <div className="cancel">
      {!confirming ? (
        <button type="button" className="button-secondary" onClick={() => setConfirming(true)}>Cancel order</button>
      ) : (
        <div role="group" aria-label="Confirm cancellation">
          <span>Cancel this order? </span>
          <button type="button" className="button-danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
            {cancel.isPending ? "Cancelling…" : "Yes, cancel it"}
          </button>
          <button type="button" className="button-link" onClick={() => setConfirming(false)}>Keep it</button>
        </div>
      )}
      <ErrorNotice error={cancel.error} title="Not cancelled." />
    </div>
  );
}
