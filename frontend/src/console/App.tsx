import { useIsFetching } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { createHashRouter, NavLink, Outlet, RouterProvider, useNavigate } from "react-router";
import { POLL_MS } from "./api";
import { DlqPage, EmailsPage } from "./pages/Mail";
import { EventsPage } from "./pages/Events";
import { ExecutionPage, ExecutionsPage } from "./pages/Executions";
import { OrderTracePage } from "./pages/Order";
import { FunctionsPanel, OverviewPage } from "./pages/Overview";

function FindOrder() {
  const navigate = useNavigate();
  const [orderId, setOrderId] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (orderId.trim()) navigate(`/orders/${encodeURIComponent(orderId.trim())}`);
  };
  return (
    <form className="find" role="search" onSubmit={submit}>
      <label htmlFor="order-id">Order id</label>
      <input id="order-id" value={orderId} onChange={(e) => setOrderId(e.target.value)} placeholder="ord_…" />
      <button type="submit">Trace</button>
    </form>
  );
}

function Live() {
  const fetching = useIsFetching();
  return <span className={`live${fetching ? " live-busy" : ""}`} title={`Refreshed every ${POLL_MS / 1000} s`}>live</span>;
}

function Layout() {
  return (
    <>
      <header className="top">
        <p className="brand">Local cloud <span>operations console</span></p>
        <nav aria-label="Console">
          <NavLink to="/" end>Overview</NavLink>
          <NavLink to="/executions">Executions</NavLink>
          <NavLink to="/events">Events</NavLink>
          <NavLink to="/functions">Functions</NavLink>
          <NavLink to="/emails">Emails</NavLink>
          <NavLink to="/dlqs">DLQs</NavLink>
        </nav>
        <FindOrder />
        <Live />
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}

const router = createHashRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: "executions", element: <ExecutionsPage /> },
      { path: "executions/:name", element: <ExecutionPage /> },
      { path: "orders/:orderId", element: <OrderTracePage /> },
      { path: "events", element: <EventsPage /> },
      { path: "functions", element: <FunctionsPanel /> },
      { path: "emails", element: <EmailsPage /> },
      { path: "dlqs", element: <DlqPage /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
