"""Orders: event-sourced (an append-only event store per order) with read models projected from its stream.

    from shop.orders.service import OrderService
    orders = OrderService()
    order = orders.load("ord_...")            # the aggregate folded from its events (status, items, timeline)

Commands append events with optimistic concurrency (`shop.orders.store.OrderEventStore`); the status
is derived from the events and never stored twice. The stream projects orders into `OrdersTable`
(`shop.orders.views`) and publishes each event to EventBridge (`shop.orders.publishing`).
"""
