"""Inventory: stock per SKU (available, reserved), reservations for the checkout saga, hot-SKU write sharding.

Public entry points: `shop.inventory.service.InventoryService` (get_stock, set_stock, restock, set_shards,
reserve, release, commit, expire_stale) and the errors in `shop.inventory.errors`.
"""
