"""User use cases: sign-up, sign-in, refresh, and the caller's own profile.

A profile row is written at sign-up; its INSERT on the UsersTable stream is what publishes
UserRegistered (from committed state, no dual write). A user that exists in Cognito but has no
row yet (created by an operator, or a sign-up interrupted between the two writes) gets one on
first read of their profile.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from shop.users.identity import CognitoIdentity, WeakPassword
from shop.users.models import AuthTokens, ProfileUpdate, UserProfile, password_problems
from shop.users.repository import UserRepository


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UserService:
    def __init__(
        self,
        identity: CognitoIdentity | None = None,
        repository: UserRepository | None = None,
        *,
        clock: Callable[[], str] = _now,
    ) -> None:
        self._identity = identity
        self._repository = repository
        self._clock = clock

    @property
    def identity(self) -> CognitoIdentity:
        if self._identity is None:
            self._identity = CognitoIdentity()
        return self._identity

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
        found = self.repository.get(user_id)
        if found is not None:
            return found
        self._add_profile(user_id, email)
        return self.repository.get(user_id) or self._new_profile(user_id, email)

    def update_profile(self, user_id: str, email: str | None, update: ProfileUpdate) -> UserProfile:
        current = self.profile(user_id, email)
        changes = {name: getattr(update, name) for name in update.model_fields_set}
        if update.addresses is not None:
            addresses = [a if a.id else a.model_copy(update={"id": uuid.uuid4().hex[:12]}) for a in update.addresses]
            if addresses and not any(a.default for a in addresses):
                addresses[0] = addresses[0].model_copy(update={"default": True})
            changes["addresses"] = addresses
        updated = current.model_copy(
            update={**changes, "version": current.version + 1, "updatedAt": self._clock()}
        )
        self.repository.save(updated, previous_version=current.version)
        return updated

    def _new_profile(self, user_id: str, email: str | None) -> UserProfile:
        now = self._clock()
        return UserProfile(userId=user_id, email=email, createdAt=now, updatedAt=now)

    def _add_profile(self, user_id: str, email: str | None) -> None:
        self.repository.add(self._new_profile(user_id, email))
