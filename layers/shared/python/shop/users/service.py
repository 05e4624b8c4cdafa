"""User use cases: sign-up, sign-in, refresh, and the caller's own profile.

A profile row is written at sign-up; its INSERT on the UsersTable stream is what publishes
UserRegistered (from committed state, no dual write). A user that exists in Cognito but has no
row yet (created by an operator, or a sign-up interrupted between the two writes) gets one on
first read of their profile.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shop.users.identity import CognitoIdentity, WeakPassword
from shop.users.models import Address, AuthTokens, ProfileUpdate, UserProfile, password_problems
from shop.users.repository import UserRepository

PROFILE_CACHE_NAMESPACE = "profile"
logger = logging.getLogger(__name__)


def _profile_key(user_id: str) -> str:
    return f"user:{user_id}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UserService:
    def __init__(
        self,
        identity: CognitoIdentity | None = None,
        repository: UserRepository | None = None,
        *,
        cache: Any = None,
        clock: Callable[[], str] = _now,
    ) -> None:
        self._identity = identity
        self._repository = repository
        self._cache = cache
        self._clock = clock

    @property
    def identity(self) -> CognitoIdentity:
        if self._identity is None:
            self._identity = CognitoIdentity()
        return self._identity

    @property
    def cache(self) -> Any:
        """Profiles in L2 (Redis) only: GET /me and PATCH /me are different functions, and an L1 copy
        in one environment would outlive the other's write; Redis is invalidated on every change."""
        if self._cache is None:
            from shop.cache import cache_for  # noqa: PLC0415 - redis only for functions that read profiles

            self._cache = cache_for(PROFILE_CACHE_NAMESPACE, l1_ttl=0, l2_ttl=60, negative_ttl=0)
        return self._cache

    @property
    def repository(self) -> UserRepository:
        if self._repository is None:
            self._repository = UserRepository()
        return self._repository

    def sign_up(self, email: str, password: str) -> str:
        problems = password_problems(password)
        if problems:
            raise WeakPassword(
                "password is too weak: it needs " + ", ".join(problems),
                details={"field": "password", "requirements": problems},
            )
        user_id = self.identity.sign_up(email, password)
        self._add_profile(user_id, email)
        return user_id

    def sign_in(self, email: str, password: str) -> AuthTokens:
        return self.identity.sign_in(email, password)

    def refresh(self, refresh_token: str) -> AuthTokens:
        return self.identity.refresh(refresh_token)

    def profile(self, user_id: str, email: str | None) -> UserProfile:
        found = self.cache.get_or_load(_profile_key(user_id), lambda: self.repository.get(user_id),
                                       model=UserProfile)
        if found is not None:
            return found
        return self._stored_profile(user_id, email)

    def _stored_profile(self, user_id: str, email: str | None) -> UserProfile:
        found = self.repository.get(user_id)
        if found is not None:
            return found
        self._add_profile(user_id, email)
        return self.repository.get(user_id) or self._new_profile(user_id, email)

    def update_profile(self, user_id: str, email: str | None, update: ProfileUpdate) -> UserProfile:
        current = self._stored_profile(user_id, email)  # the table's version, for the conditional write
        if not update.model_fields_set:
            return current  # {} changes nothing
        changes = {name: getattr(update, name) for name in update.model_fields_set}
        if "addresses" in changes:  # null clears them, as it clears name or phone
            changes["addresses"] = _normalised_addresses(update.addresses or [])
        updated = current.model_copy(
            update={**changes, "version": current.version + 1, "updatedAt": self._clock()}
        )
        self.repository.save(updated, previous_version=current.version)
        try:
            self.cache.invalidate(_profile_key(user_id))
        except Exception:  # noqa: BLE001 - Redis down: the write stands; the copy expires with l2_ttl
            logger.warning("profile cache not invalidated", extra={"userId": user_id})
        return updated

    def _new_profile(self, user_id: str, email: str | None) -> UserProfile:
        now = self._clock()
        return UserProfile(userId=user_id, email=email, createdAt=now, updatedAt=now)

    def _add_profile(self, user_id: str, email: str | None) -> None:
        self.repository.add(self._new_profile(user_id, email))


def _normalised_addresses(given: list[Address]) -> list[Address]:
    """Every address with an id of its own (given ids kept, a repeated one replaced) and exactly one
    default: the first marked so, else the first address."""
    seen: set[str] = set()
    default_index = next((index for index, address in enumerate(given) if address.default), 0)
    addresses = []
    for index, address in enumerate(given):
        address_id = address.id if address.id and address.id not in seen else uuid.uuid4().hex[:12]
        seen.add(address_id)
        addresses.append(address.model_copy(update={"id": address_id, "default": index == default_index}))
    return addresses
