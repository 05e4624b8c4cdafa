"""POST /auth/login (public): email + password -> Cognito tokens (one 401 for every failure)."""

from __future__ import annotations

from typing import Any

from shop.apidoc import error_responses
from shop.http import create_app
from shop.observability import instrument
from shop.users.models import AuthTokens, LoginRequest
from shop.users.service import UserService

app = create_app()
users = UserService()


@app.post(
    "/auth/login",
    summary="Sign in; use idToken as the Bearer token",
    tags=["auth"],
    operation_id="signIn",
    responses={
        200: {
            "description": "Tokens (idToken is the Bearer token)",
            "content": {"application/json": {"model": AuthTokens}},
            "links": {"RefreshTheTokens": {
                "operationId": "refreshTokens", "requestBody": {"refreshToken": "$response.body#/refreshToken"},
            }},
        },
        **error_responses(401, s401="Email or password is wrong (one answer for every failure)"),
    },
)
def sign_in(body: LoginRequest) -> AuthTokens:
    return users.sign_in(body.email, body.password)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
