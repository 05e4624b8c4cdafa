"""The API fuzzed from its own document: schemathesis over every operation as three callers.

`make test` runs a short pass (tests/fuzz/test_api_fuzz.py); `make fuzz` a deep one
(`python -m tests.fuzz`, at least 10,000 requests) for before a release.
"""
