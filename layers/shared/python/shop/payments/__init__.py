"""Payments: a `PaymentProvider` interface, its HTTP adapter for the sandbox (or a real processor),
the saga's payment steps behind the shared circuit breaker, and the webhook signature check."""
