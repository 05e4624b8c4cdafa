"""Fixtures of the order tests: the event store and read model tables in moto (see orders_support)."""

from orders_support import aws, dynamodb, orders  # noqa: F401 - fixtures, shared with payments and checkout
