"""Checkout: price the cart from the catalog, create the order (OrderCreated), start the saga."""
