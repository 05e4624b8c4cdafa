"""Idempotency records in both stores: replay, in flight, abandoned claims, 24 h expiry."""

from __future__ import annotations

from infrastructure.payment_sandbox.chalicelib.store import (
    IN_FLIGHT_LEASE_SECONDS,
    ClaimOutcome,
    SandboxStore,
    StoredResponse,
)

DAY = 24 * 3600.0
NOW = 1_700_000_000.0


def test_a_finished_key_replays_and_refuses_another_body(sandbox_store: SandboxStore) -> None:
    assert sandbox_store.claim_idempotency_key("s", "body-a", NOW, DAY).outcome is ClaimOutcome.STARTED
    sandbox_store.finish_idempotency_key("s", StoredResponse(201, {"id": "auth_1"}))

    replay = sandbox_store.claim_idempotency_key("s", "body-a", NOW + 1, DAY)
    other = sandbox_store.claim_idempotency_key("s", "body-b", NOW + 1, DAY)

    assert (replay.outcome, replay.response) == (ClaimOutcome.REPLAY, StoredResponse(201, {"id": "auth_1"}))
    assert other.outcome is ClaimOutcome.MISMATCH


def test_a_claim_in_flight_blocks_until_its_lease_runs_out(sandbox_store: SandboxStore) -> None:
    sandbox_store.claim_idempotency_key("s", "body", NOW, DAY)

    during = sandbox_store.claim_idempotency_key("s", "body", NOW + 1, DAY)
    after_crash = sandbox_store.claim_idempotency_key("s", "body", NOW + IN_FLIGHT_LEASE_SECONDS + 1, DAY)

    assert during.outcome is ClaimOutcome.IN_PROGRESS
    assert after_crash.outcome is ClaimOutcome.STARTED


def test_a_released_or_expired_key_starts_afresh(sandbox_store: SandboxStore) -> None:
    sandbox_store.claim_idempotency_key("released", "body", NOW, DAY)
    sandbox_store.release_idempotency_key("released")
    sandbox_store.claim_idempotency_key("old", "body", NOW, DAY)
    sandbox_store.finish_idempotency_key("old", StoredResponse(201, {}))

    assert sandbox_store.claim_idempotency_key("released", "body", NOW, DAY).outcome is ClaimOutcome.STARTED
    assert sandbox_store.claim_idempotency_key("old", "other", NOW + DAY + 1, DAY).outcome is ClaimOutcome.STARTED
