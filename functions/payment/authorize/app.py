"""Saga step: authorize the order's total on the card (PaymentDeclined / CircuitOpenError are caught by the saga).

Idempotent per order id: see shop.payments.steps.saga_step_handler.
"""

from shop.payments import steps

handler = steps.saga_step_handler(steps.authorize)
