"""UsersTable stream records -> UserRegistered (a new profile row is a committed sign-up)."""

from __future__ import annotations

from typing import Any

from shop.events import UserRegistered


def user_registered(record: dict[str, Any]) -> UserRegistered | None:
    """UserRegistered for an INSERT with an email; None for any other record."""
    if record.get("eventName") != "INSERT":
        return None
    image = (record.get("dynamodb") or {}).get("NewImage") or {}
    user_id = (image.get("userId") or {}).get("S")
    email = (image.get("email") or {}).get("S")
    if not user_id or not email:
        return None
    return UserRegistered(user_id=user_id, email=email)
