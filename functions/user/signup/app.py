"""POST /auth/signup (public): create and confirm an account; 201 {"userId"}."""

from __future__ import annotations

from typing import Any

from shop.apidoc import error_responses
from shop.http import create_app, json_response
from shop.observability import instrument
from shop.users.models import SignupRequest, SignupResponse
from shop.users.service import UserService

app = create_app()
users = UserService()


@app.post(
    "/auth/signup",
    summary="Sign up with email and password",
    tags=["auth"],
    operation_id="signUp",
    responses={
        201: {
            "description": "Account created",
            "content": {"application/json": {"model": SignupResponse}},
            "links": {"SignInWithTheNewAccount": {
                "operationId": "signIn",
                "requestBody": {"email": "$request.body#/email", "password": "$request.body#/password"},
            }},
        },
        **error_responses(409, s409="An account with this email exists"),
    },
)
def sign_up(body: SignupRequest):
    user_id = users.sign_up(body.email, body.password)
    return json_response(201, SignupResponse(userId=user_id).model_dump())


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
