"""The local AWS endpoint's IAM check: WSGI middleware in front of moto. A request signed with a
role session's key is parsed (operation, resources), evaluated, and either passed on or refused
as the service refuses it. Unsigned requests and the administrator's keys pass untouched."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from localcloud.iam.enforcer import IamEnforcer
from localcloud.iam.refusals import Refusal, access_denied, invalid_token
from localcloud.iam.resources import Where, checks_for
from localcloud.iam.wire import identify, signature

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _secret_arn(account: str) -> Callable[[str, str], str | None]:
    def lookup(region: str, secret_id: str) -> str | None:
        from moto.secretsmanager.models import secretsmanager_backends

        secret = secretsmanager_backends[account][region].secrets.get(secret_id)
        return secret.arn if secret is not None else None

    return lookup


class IamMiddleware:
    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.enforcer: IamEnforcer | None = None  # set once the stack is known; until then nothing is checked

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        enforcer = self.enforcer
        signed = signature(environ) if enforcer is not None and enforcer.enabled else None
        session = enforcer.sessions.get(signed.access_key) if enforcer is not None and signed is not None else None
        if session is None:
            return self.app(environ, start_response)
        assert enforcer is not None and signed is not None
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again
        call = identify(environ, body, signed)
        if signed.session_token != session.token:
            return self._refuse(invalid_token(call), start_response)
        where = Where(enforcer.account, signed.region, secret_arn=_secret_arn(enforcer.account))
        operation = checks_for(call.service, call.operation, call.params, where, streams=call.streams)
        if operation.public:
            return self.app(environ, start_response)
        message = enforcer.authorize(session, operation.checks, signed.region,
                                     source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
                                     user_agent=environ.get("HTTP_USER_AGENT", ""))
        if message is None:
            return self.app(environ, start_response)
        return self._refuse(access_denied(call, message), start_response)

    @staticmethod
    def _refuse(refusal: Refusal, start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(refusal.status, [*refusal.headers, ("Content-Length", str(len(refusal.body)))])
        return [refusal.body]
