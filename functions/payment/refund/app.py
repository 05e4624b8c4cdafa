"""Saga compensation: refund a captured payment or void an authorization (nothing when none was made).

Idempotent per order id: see shop.payments.steps.saga_step_handler.
"""

from shop.payments import steps

handler = steps.saga_step_handler(steps.compensate)
