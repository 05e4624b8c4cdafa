"""POST /auth/refresh (public): a refresh token -> new id and access tokens."""

from __future__ import annotations

from typing import Any

from shop.apidoc import error_responses
from shop.http import create_app
from shop.observability import instrument
from shop.users.models import AuthTokens, RefreshRequest
from shop.users.service import UserService

app = create_app()
users = UserService()


@app.post(
    "/auth/refresh",
    summary="Refresh the id and access tokens",
    tags=["auth"],
    operation_id="refreshTokens",
    responses={
        200: {"description": "New id and access tokens", "content": {"application/json": {"model": AuthTokens}}},
        **error_responses(401, s401="The refresh token is not valid"),
    },
)
def refresh(body: RefreshRequest) -> AuthTokens:
    return users.refresh(body.refreshToken)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
