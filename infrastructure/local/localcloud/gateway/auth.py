"""The Cognito user pool authorizer of a REST API: verifies the `Authorization` token (RS256, the
pool's JWKS, issuer, expiry, token_use and audience) and hands on its claims the way API Gateway
does (every value a string). Verified tokens are cached as API Gateway caches authorizer results."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import UTC, datetime
from typing import Any

import jwt

logger = logging.getLogger("localcloud.gateway")

AUTH_CACHE_TTL_S = 300  # API Gateway's default ReauthorizeEvery
_AUTH_CACHE_MAX = 10000
_DATE_CLAIMS = ("exp", "iat")


def claims_as_api_gateway_strings(claims: dict[str, Any]) -> dict[str, str]:
    """REST APIs hand claims on as strings: lists comma-joined, exp/iat as Java-style UTC dates."""
    result = {}
    for name, value in claims.items():
        if name in _DATE_CLAIMS and isinstance(value, int | float):
            result[name] = datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, bool):
            result[name] = "true" if value else "false"
        elif isinstance(value, list):
            result[name] = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            result[name] = json.dumps(value)
        else:
            result[name] = str(value)
    return result


def fetch_json(url: str, timeout: float = 5.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our own endpoint)
        return json.load(response)


def list_pool_client_ids(aws_endpoint: str, region: str, pool_id: str) -> set[str]:
    """The pool's app client ids, asked of the AWS endpoint (clients created after startup)."""
    import boto3  # imported here: only a token from an unknown client pays for it

    session = boto3.session.Session()
    dummy = {} if session.get_credentials() else {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    client = session.client("cognito-idp", endpoint_url=aws_endpoint, region_name=region, **dummy)
    ids: set[str] = set()
    for page in client.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id):
        ids.update(c["ClientId"] for c in page.get("UserPoolClients", []))
    return ids


class CognitoAuthorizer:
    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        client_ids: set[str],
        fetch_client_ids: Callable[[], set[str]] | None = None,
        refetch_interval_s: float = 30.0,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.client_ids = set(client_ids)
        self._fetch_client_ids = fetch_client_ids
        self._refetch_interval_s = refetch_interval_s
        self._keys: dict[str, jwt.PyJWK] = {}
        self._keys_fetched_at = float("-inf")
        self._jwks_fetch: asyncio.Future[None] | None = None
        self._clients_fetched_at = float("-inf")
        self._cache: dict[str, tuple[dict[str, str], frozenset[str], float]] = {}

    async def authorize(
        self, header: str | None, scopes: tuple[str, ...], executor: Executor
    ) -> dict[str, str] | None:
        """The claims to pass on, or None for 401 Unauthorized."""
        if not header:
            return None
        token = header[7:].strip() if header[:7].lower() == "bearer " else header.strip()
        now = time.time()
        cached = self._cache.get(token)
        if cached is not None:
            claims, token_scopes, valid_until = cached
            if now >= valid_until:
                del self._cache[token]
            else:
                return claims if self._scopes_ok(scopes, token_scopes) else None
        try:
            verified = await self._verify(token, executor)
        except (jwt.PyJWTError, ValueError, KeyError, OSError) as error:
            logger.debug("token refused: %s", error)
            return None
        if verified is None:
            return None
        token_scopes = (
            frozenset(str(verified.get("scope", "")).split()) if verified.get("token_use") == "access" else frozenset()
        )
        claims = claims_as_api_gateway_strings(verified)
        if len(self._cache) >= _AUTH_CACHE_MAX:
            self._cache.clear()
        self._cache[token] = (claims, token_scopes, min(float(verified["exp"]), now + AUTH_CACHE_TTL_S))
        return claims if self._scopes_ok(scopes, token_scopes) else None

    @staticmethod
    def _scopes_ok(required: tuple[str, ...], granted: frozenset[str]) -> bool:
        # With scopes on the method, API Gateway wants an access token carrying one of them.
        return not required or any(scope in granted for scope in required)

    async def _verify(self, token: str, executor: Executor) -> dict[str, Any] | None:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "RS256":
            return None
        key = await self._signing_key(str(header.get("kid")), executor)
        if key is None:
            return None
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            issuer=self.issuer,
            options={"verify_aud": False, "require": ["exp", "iss", "token_use"]},
        )
        token_use = claims.get("token_use")
        if token_use == "id":
            client = claims.get("aud")
        elif token_use == "access":
            client = claims.get("client_id")
        else:
            return None
        if not isinstance(client, str) or not await self._is_pool_client(client, executor):
            return None
        return claims

    async def _signing_key(self, kid: str, executor: Executor) -> jwt.PyJWK | None:
        key = self._keys.get(kid)
        if key is not None:
            return key
        if self._jwks_fetch is None and time.monotonic() - self._keys_fetched_at >= self._refetch_interval_s:
            # An unknown kid refetches the JWKS at most every refetch_interval_s (never per request);
            # requests arriving meanwhile wait for the same fetch.
            self._keys_fetched_at = time.monotonic()
            self._jwks_fetch = asyncio.ensure_future(self._fetch_keys(executor))
        if self._jwks_fetch is not None:
            fetch = self._jwks_fetch
            try:
                await asyncio.shield(fetch)
            finally:
                if self._jwks_fetch is fetch and fetch.done():
                    self._jwks_fetch = None
        return self._keys.get(kid)

    async def _fetch_keys(self, executor: Executor) -> None:
        data = await asyncio.get_running_loop().run_in_executor(executor, fetch_json, self.jwks_url)
        self._keys = {k.key_id: k for k in jwt.PyJWKSet.from_dict(data).keys if k.key_id}

    async def _is_pool_client(self, client_id: str, executor: Executor) -> bool:
        if client_id in self.client_ids:
            return True
        if self._fetch_client_ids is None or time.monotonic() - self._clients_fetched_at < self._refetch_interval_s:
            return False
        self._clients_fetched_at = time.monotonic()
        try:
            fetched = await asyncio.get_running_loop().run_in_executor(executor, self._fetch_client_ids)
        except Exception as error:  # the endpoint may be down: the token is then simply refused
            logger.warning("could not list user pool clients: %s", error)
            return False
        self.client_ids |= fetched
        return client_id in self.client_ids

