"""GET /me: the caller's own profile (the id is the token's `sub`, never a parameter)."""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO
from shop.http import create_app, current_user
from shop.observability import instrument
from shop.users.models import UserProfile
from shop.users.service import UserService

app = create_app()
users = UserService()


@app.get(
    "/me",
    summary="My profile and addresses",
    tags=["profile"],
    operation_id="getMyProfile",
    security=COGNITO,
    responses={200: {"description": "My profile", "content": {"application/json": {"model": UserProfile}}}},
)
def get_me() -> UserProfile:
    principal = current_user(app)
    return users.profile(principal.user_id, principal.email)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
