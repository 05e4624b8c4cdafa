"""Payments without card data: a `PaymentProvider` interface and its HTTP adapter for the sandbox (or a
real processor), charging cards the client tokenized at the processor; the saga's payment steps behind
the shared circuit breaker; webhooks checked (signature) and applied only when they match the order's
authorization (`reconcile`)."""
