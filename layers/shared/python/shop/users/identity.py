"""Cognito adapter: sign-up (confirmed at once by the admin API), sign-in and refresh.

Every way a sign-in can fail answers the same 401, so the API never tells whether an email is
registered (no user enumeration). Sign-up must say "taken" (409): that is its job.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shop.aws import client
from shop.config import require_env
from shop.errors import BadRequest, Conflict, Unauthorized, Unprocessable
from shop.users.models import AuthTokens


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"


class WeakPassword(Unprocessable):
    code = "WEAK_PASSWORD"


class InvalidCredentials(Unauthorized):
    code = "INVALID_CREDENTIALS"


_SIGN_IN_FAILURES = {
    "NotAuthorizedException",
    "UserNotFoundException",
    "UserNotConfirmedException",
    "PasswordResetRequiredException",
}


class CognitoIdentity:
    def __init__(self, user_pool_id: str | None = None, client_id: str | None = None) -> None:
        self.user_pool_id = user_pool_id or require_env("USER_POOL_ID")
        self.client_id = client_id or require_env("USER_POOL_CLIENT_ID")

    @property
    def _idp(self) -> Any:
        return client("cognito-idp")

    def sign_up(self, email: str, password: str) -> str:
        """Register and confirm `email`; the user's id (the tokens' `sub`)."""
        try:
            response = self._idp.sign_up(
                ClientId=self.client_id,
                Username=email,
                Password=password,
                UserAttributes=[{"Name": "email", "Value": email}],
            )
            self._idp.admin_confirm_sign_up(UserPoolId=self.user_pool_id, Username=email)
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            if code in ("UsernameExistsException", "AliasExistsException"):
                raise EmailTaken("an account with this email already exists", details={"field": "email"}) from exc
            if code == "InvalidPasswordException":
                raise WeakPassword(
                    exc.response["Error"].get("Message") or "password does not meet the policy",
                    details={"field": "password"},
                ) from exc
            if code == "InvalidParameterException":
                raise BadRequest(exc.response["Error"].get("Message") or "invalid sign-up") from exc
            raise
        return response["UserSub"]

    def sign_in(self, email: str, password: str) -> AuthTokens:
        result = self._auth("USER_PASSWORD_AUTH", {"USERNAME": email, "PASSWORD": password})
        return AuthTokens(
            idToken=result["IdToken"],
            accessToken=result["AccessToken"],
            refreshToken=result["RefreshToken"],
            expiresIn=int(result.get("ExpiresIn", 3600)),
        )

    def refresh(self, refresh_token: str) -> AuthTokens:
        result = self._auth("REFRESH_TOKEN_AUTH", {"REFRESH_TOKEN": refresh_token})
        return AuthTokens(
            idToken=result["IdToken"],
            accessToken=result["AccessToken"],
            # Cognito keeps the refresh token valid and sends no new one
            refreshToken=result.get("RefreshToken") or refresh_token,
            expiresIn=int(result.get("ExpiresIn", 3600)),
        )

    def _auth(self, flow: str, parameters: dict[str, str]) -> dict[str, Any]:
        try:
            response = self._idp.initiate_auth(ClientId=self.client_id, AuthFlow=flow, AuthParameters=parameters)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in _SIGN_IN_FAILURES:
                message = "email or password is wrong" if flow == "USER_PASSWORD_AUTH" else "refresh token is not valid"
                raise InvalidCredentials(message) from exc
            raise
        result = response.get("AuthenticationResult")
        if not result:  # a challenge (new password, MFA): not offered by this API
            raise InvalidCredentials("this account cannot sign in with a password here")
        return result
