"""Who is calling: the signed-in user the Cognito authorizer vouched for, and the one admin check.

The gateway verifies the token; the function reads the claims it passes on. `access_check` is the
resolver's first middleware, so a route's sign-in and admin requirements are enforced before its
request is read or validated: a customer gets 403 from an admin route whatever the body says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from aws_lambda_powertools.event_handler import Response

from shop.errors import Forbidden, NotFound, Unauthorized

ADMIN_GROUP = "admin"


class Access(Enum):
    """Who may call a route."""

    PUBLIC = "public"
    SIGNED_IN = "signed in"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """The signed-in caller, as the Cognito authorizer vouched for them."""

    user_id: str
    email: str | None
    groups: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN_GROUP in self.groups


def parse_groups(raw: Any) -> frozenset[str]:
    """`cognito:groups` in any form API Gateway passes: a list, "[admin ops]", "[admin, ops]", "admin"."""
    if raw is None:
        return frozenset()
    if isinstance(raw, list | tuple | set | frozenset):
        return frozenset(str(group).strip() for group in raw if str(group).strip())
    text = str(raw).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return frozenset(part for part in text.replace(",", " ").split() if part)


def current_user(app: Any) -> Principal:
    """The caller from `requestContext.authorizer.claims`; Unauthorized when there is none."""
    request_context = app.current_event.raw_event.get("requestContext") or {}
    claims = (request_context.get("authorizer") or {}).get("claims") or {}
    user_id = claims.get("sub")
    if not user_id:
        raise Unauthorized("sign in to use this operation")
    return Principal(
        user_id=str(user_id), email=claims.get("email"), groups=parse_groups(claims.get("cognito:groups"))
    )


def require_admin(app: Any) -> Principal:
    """The caller if they are in the admin group; Unauthorized or Forbidden otherwise."""
    principal = current_user(app)
    if not principal.is_admin:
        raise Forbidden("this operation is for administrators")
    return principal


def require_path_owner(principal: Principal, owner_id: str) -> None:
    """A user reaches only their own resources; a stranger's id answers 404 (do not reveal it exists)."""
    if principal.user_id != owner_id and not principal.is_admin:
        raise NotFound("not found")


def access_check(access_of: Callable[[str, str], Access]) -> Callable[[Any, Callable[[Any], Response]], Response]:
    """A middleware enforcing `access_of(method, route)` (route as `app.request.route` names it)."""

    def check_access(app: Any, next_middleware: Callable[[Any], Response]) -> Response:
        access = access_of(app.request.method, app.request.route)
        if access is Access.ADMIN:
            require_admin(app)
        elif access is Access.SIGNED_IN:
            current_user(app)
        return next_middleware(app)

    return check_access
