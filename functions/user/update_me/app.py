"""PATCH /me: change the caller's name, phone or addresses (each given field replaces the stored one)."""

from __future__ import annotations

from typing import Any

from shop.apidoc import COGNITO, error_responses
from shop.http import create_app, current_user
from shop.observability import instrument
from shop.users.models import ProfileUpdate, UserProfile
from shop.users.service import UserService

app = create_app()
users = UserService()


@app.patch(
    "/me",
    summary="Update my profile and addresses",
    tags=["profile"],
    operation_id="updateMyProfile",
    security=COGNITO,
    responses={
        200: {"description": "My profile after the change", "content": {"application/json": {"model": UserProfile}}},
        **error_responses(409, s409="The profile changed meanwhile: read it again"),
    },
)
def update_me(body: ProfileUpdate) -> UserProfile:
    principal = current_user(app)
    return users.update_profile(principal.user_id, principal.email, body)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
