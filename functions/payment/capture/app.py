"""Saga step: capture the order's authorization.

Idempotent per order id: see shop.payments.steps.saga_step_handler.
"""

from shop.payments import steps

handler = steps.saga_step_handler(steps.capture)
