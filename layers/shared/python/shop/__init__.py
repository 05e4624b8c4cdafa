"""Shared layer of the serverless shop: cache, sharding, resilience, events, observability, errors."""
