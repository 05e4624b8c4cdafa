"""Cart: a user's (or an anonymous visitor's) cart, priced from the catalog, stored on sharded tables.

Public entry point: `shop.cart.service.CartService` (view, add_item, set_quantity, remove_item, clear, merge).
"""
