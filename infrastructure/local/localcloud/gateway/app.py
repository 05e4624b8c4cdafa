"""The local API Gateway: an ASGI app serving the stack's REST APIs with Lambda proxy integrations.
Plain ASGI (no web framework): the per-request path is a dict lookup or two, a token bucket, the
event and the invoke, so that the gateway adds well under a millisecond to what the function costs."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from localcloud.gateway.auth import CognitoAuthorizer, list_pool_client_ids
from localcloud.gateway.limits import ACCOUNT_THROTTLE, KeyLimits, TokenBucket
from localcloud.gateway.model import (
    ApiSpec,
    Operation,
    Route,
    load_apis,
    load_usage_plans,
    user_pool_client_ids,
)
from localcloud.gateway.proxy import (
    MalformedProxyResponse,
    collect_headers,
    collect_query,
    encode_body,
    parse_proxy_response,
)
from localcloud.gateway.router import Router, split_path
from localcloud.gateway.templates import error_context, render
from localcloud.invoker import Invoker, InvokeResult
from localcloud.stack import Stack

logger = logging.getLogger("localcloud.gateway")

INTEGRATION_TIMEOUT_S = 29.0  # API Gateway's cap on a REST integration
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's cap on a request body (REQUEST_TOO_LARGE beyond)
DEFAULT_JWKS_URL = "{endpoint}/{pool_id}/.well-known/jwks.json"
DEFAULT_ISSUER = "https://cognito-idp.{region}.amazonaws.com/{pool_id}"

# Gateway response types: (status, message, x-amzn-ErrorType), as API Gateway answers them.
_ERRORS: dict[str, tuple[int, str, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token", "MissingAuthenticationTokenException"),
    "REQUEST_TOO_LARGE": (413, "Request Too Long", "RequestTooLargeException"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "Unsupported Media Type", "UnsupportedMediaTypeException"),
    "UNAUTHORIZED": (401, "Unauthorized", "UnauthorizedException"),
    "INVALID_API_KEY": (403, "Forbidden", "ForbiddenException"),
    "THROTTLED": (429, "Too Many Requests", "TooManyRequestsException"),
    "QUOTA_EXCEEDED": (429, "Limit Exceeded", "LimitExceededException"),
    "INTEGRATION_FAILURE": (502, "Internal server error", "InternalServerErrorException"),
    "INTEGRATION_TIMEOUT": (504, "Endpoint request timed out", "InternalServerErrorException"),
    "DEFAULT_5XX": (500, "Internal server error", "InternalServerErrorException"),
}


class _Reject(Exception):
    def __init__(self, response_type: str, message: str | None = None) -> None:
        super().__init__(response_type)
        self.response_type = response_type
        self.message = message


@dataclass
class _Request:
    """What the gateway knows of a request so far: the `$context` its own answers can name."""

    request_id: str
    method: str
    path: str
    stage: str
    resource_path: str = ""

    def context(self) -> dict[str, str]:
        return {
            "requestId": self.request_id, "extendedRequestId": self.request_id, "httpMethod": self.method,
            "path": self.path, "resourcePath": self.resource_path, "stage": self.stage,
        }


class _Clock:
    """requestTime strings, formatted once per second rather than per request."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def request_time(self, epoch: float) -> str:
        second = int(epoch)
        if second != self._second:
            self._second = second
            self._text = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(second))
        return self._text


class LocalApiGateway:
    def __init__(
        self,
        stack: Stack,
        invoker: Invoker,
        aws_endpoint: str = "http://127.0.0.1:4566",
        *,
        quiet: bool = False,
        max_concurrency: int = 64,
        integration_timeout_s: float = INTEGRATION_TIMEOUT_S,
        jwks_url: str = DEFAULT_JWKS_URL,
        issuer: str = DEFAULT_ISSUER,
        account_throttle: tuple[float, float] | None = ACCOUNT_THROTTLE,
        invoke_permission: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.stack = stack
        # (function ARN, execute-api source ARN) -> may API Gateway invoke it? (the function's
        # resource policy, when IAM is enforced; None: not checked)
        self.invoke_permission = invoke_permission
        self.invoker = invoker
        self.aws_endpoint = aws_endpoint.rstrip("/")
        self.quiet = quiet
        self.integration_timeout_s = integration_timeout_s
        self.executor = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="gateway-invoke")
        self.apis: list[ApiSpec] = load_apis(stack)
        self._router: Router[Operation] = Router()
        self._routes: list[Route] = []
        for api in self.apis:
            for operation in api.operations:
                if self._router.add(operation.route.path, operation.route.method, operation):
                    self._routes.append(operation.route)
                else:
                    logger.warning("%s %s is served by another API already", operation.route.method, operation.route.path)
        self._stage_prefixes = {api.stage_name for api in self.apis}
        self._default_api = self.apis[0] if self.apis else None
        self._account_bucket = TokenBucket(*account_throttle) if account_throttle else None
        self._method_buckets = {
            id(op): TokenBucket(*op.throttle) for api in self.apis for op in api.operations if op.throttle
        }
        self._plans, self._plans_of_key = load_usage_plans(stack, self.apis)
        self._key_limits: dict[tuple[str, str], KeyLimits] = {}
        self._authorizers: dict[str, CognitoAuthorizer] = {}
        for api in self.apis:
            for op in api.operations:
                if op.cognito is not None and op.cognito.pool_id not in self._authorizers:
                    spec = op.cognito
                    fields = {"endpoint": self.aws_endpoint, "pool_id": spec.pool_id, "region": spec.region}
                    self._authorizers[spec.pool_id] = CognitoAuthorizer(
                        jwks_url=jwks_url.format(**fields),
                        issuer=issuer.format(**fields),
                        client_ids=user_pool_client_ids(stack, spec.pool_id),
                        fetch_client_ids=functools.partial(
                            list_pool_client_ids, self.aws_endpoint, spec.region, spec.pool_id
                        ),
                    )
        self._clock = _Clock()

    # ------------------------------------------------------------------ contract
    def routes(self) -> list[Route]:
        return sorted(self._routes, key=lambda r: (r.path, r.method))

    def api_keys(self) -> dict[str, list[str]]:
        by_plan_id = {plan.plan_id: plan.name for plan in self._plans}
        keys: dict[str, list[str]] = {plan.name: [] for plan in self._plans}
        for value, plan_ids in self._plans_of_key.items():
            for plan_id in plan_ids:
                if plan_id in by_plan_id:
                    keys[by_plan_id[plan_id]].append(value)
        return keys

    @property
    def app(self) -> LocalApiGateway:
        return self

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        stage = self._default_api.stage_name if self._default_api else ""
        request = _Request(str(uuid.uuid4()), scope["method"], scope["path"], stage)
        function_name = "-"
        try:
            body = await self._read_body(receive)
            status, headers, payload, function_name = await self._handle(scope, body, request)
        except _Reject as reject:
            status, headers, payload = self._gateway_response(reject.response_type, request, reject.message)
        except Exception:  # a bug here must still answer like API Gateway, not drop the connection
            logger.exception("gateway failure on %s %s", scope.get("method"), scope.get("path"))
            status, headers, payload = self._gateway_response("DEFAULT_5XX", request)
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
        if not self.quiet:
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.info("%s %s %d %.1fms %s", scope["method"], scope["path"], status, elapsed_ms, function_name)

    @staticmethod
    async def _lifespan(receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    @staticmethod
    async def _read_body(receive: Any) -> bytes:
        message = await receive()
        body = message.get("body", b"")
        if not message.get("more_body") and len(body) <= MAX_PAYLOAD_BYTES:
            return body
        chunks, size = [body], len(body)
        while message.get("more_body"):
            if size > MAX_PAYLOAD_BYTES:
                raise _Reject("REQUEST_TOO_LARGE")  # stop reading: the rest is never buffered
            message = await receive()
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
        if size > MAX_PAYLOAD_BYTES:
            raise _Reject("REQUEST_TOO_LARGE")
        return b"".join(chunks)

    async def _handle(
        self, scope: dict[str, Any], body: bytes, request: _Request
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes, str]:
        method: str = scope["method"]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        segments = [unquote(s) if "%" in s else s for s in split_path(raw_path.decode("latin-1"))]
        stage_prefixed = bool(segments) and segments[0] in self._stage_prefixes
        if stage_prefixed:
            segments = segments[1:]
        matched = self._router.match(segments, method)
        if matched is None:
            raise _Reject("MISSING_AUTHENTICATION_TOKEN")
        operation, path_params = matched
        route = operation.route
        request.resource_path = route.path
        if self._account_bucket is not None and not self._account_bucket.take():
            raise _Reject("THROTTLED")
        bucket = self._method_buckets.get(id(operation))
        if bucket is not None and not bucket.take():
            raise _Reject("THROTTLED")

        headers, multi_headers = collect_headers(scope["headers"])
        claims = None
        if operation.cognito is not None:
            authorizer = self._authorizers[operation.cognito.pool_id]
            claims = await authorizer.authorize(_get(headers, "Authorization"), operation.scopes, self.executor)
            if claims is None:
                raise _Reject("UNAUTHORIZED")
        api_key = None
        if route.api_key_required:
            api_key = _get(headers, "X-Api-Key")
            self._check_api_key(api_key, operation)

        if operation.mock is not None:
            mock = operation.mock
            # API Gateway takes a request without Content-Type as application/json
            media_type = (_get(headers, "Content-Type") or "application/json").split(";", 1)[0].strip().lower()
            if mock.passthrough == "never" and media_type not in mock.request_media_types:
                raise _Reject("UNSUPPORTED_MEDIA_TYPE")
            mock_headers = [(k.encode(), v.encode()) for k, v in mock.headers]
            mock_headers.append((b"content-type", b"application/json"))
            mock_headers.append((b"x-amzn-requestid", request.request_id.encode()))
            return mock.status, mock_headers, render(mock.template, request.context()).encode(), "mock"

        path = "/" + "/".join(segments)
        if self.invoke_permission is not None and operation.function_arn:
            api = operation.api
            source_arn = (f"arn:aws:execute-api:{self.stack.region}:{self.stack.account_id}:"
                          f"{api.api_id}/{api.stage_name}/{method}{path}")
            if not self.invoke_permission(operation.function_arn, source_arn):
                # API Gateway logs "Invalid permissions on Lambda function" and answers 500
                raise _Reject("DEFAULT_5XX")
        event = self._event(
            scope, operation, path, path_params, headers, multi_headers, body, claims, api_key, request.request_id
        )
        result = await self._invoke(route.function_name or "", event)
        status, response_headers, payload = self._response(result)
        response_headers.append((b"x-amzn-requestid", event["requestContext"]["requestId"].encode()))
        return status, response_headers, payload, route.function_name or "-"

    def _check_api_key(self, api_key: str | None, operation: Operation) -> None:
        stage = (operation.api.api_id, operation.api.stage_name)
        plan = None
        for plan_id in self._plans_of_key.get(api_key or "", ()):
            plan = next((p for p in self._plans if p.plan_id == plan_id and stage in p.api_stages), None)
            if plan is not None:
                break
        if api_key is None or plan is None:
            raise _Reject("INVALID_API_KEY")
        limits = self._key_limits.get((api_key, plan.plan_id))
        if limits is None:
            limits = self._key_limits[(api_key, plan.plan_id)] = KeyLimits(plan)
        refused = limits.check(f"{operation.route.path}/{operation.route.method}")
        if refused == "Limit Exceeded":
            raise _Reject("QUOTA_EXCEEDED")
        if refused is not None:
            raise _Reject("THROTTLED")

    def _event(
        self,
        scope: dict[str, Any],
        operation: Operation,
        path: str,
        path_params: dict[str, str],
        headers: dict[str, str],
        multi_headers: dict[str, list[str]],
        body: bytes,
        claims: dict[str, str] | None,
        api_key: str | None,
        request_id: str,
    ) -> dict[str, Any]:
        api = operation.api
        route = operation.route
        now = time.time()
        client = scope.get("client") or ("127.0.0.1", 0)
        server = scope.get("server") or ("127.0.0.1", 3000)
        forwarded_for = headers.get("X-Forwarded-For")
        proxy_headers = {
            "X-Forwarded-For": f"{forwarded_for}, {client[0]}" if forwarded_for else client[0],
            "X-Forwarded-Proto": scope.get("scheme", "http"),
            "X-Forwarded-Port": str(server[1]),
            "X-Amzn-Trace-Id": f"Root=1-{int(now):08x}-{os.urandom(12).hex()}",
        }
        for name, value in proxy_headers.items():
            headers[name] = value
            multi_headers[name] = [value]
        query, multi_query = collect_query(scope.get("query_string", b""))
        event_body, is_base64 = encode_body(body, _get(headers, "Content-Type"), api.binary_media_types)
        request_context: dict[str, Any] = {
            "resourceId": operation.resource_id,
            "resourcePath": route.path,
            "httpMethod": scope["method"],
            "extendedRequestId": request_id,
            "requestTime": self._clock.request_time(now),
            "path": f"/{api.stage_name}{path}",
            "accountId": self.stack.account_id,
            "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
            "stage": api.stage_name,
            "domainPrefix": api.api_id,
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": client[0],
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": _get(headers, "User-Agent"),
                "user": None,
                "apiKey": api_key,
            },
            "domainName": _get(headers, "Host") or f"{server[0]}:{server[1]}",
            "apiId": api.api_id,
        }
        if claims is not None:
            request_context["authorizer"] = {"claims": claims}
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": scope["method"],
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": path_params or None,
            "stageVariables": api.stage_variables,
            "requestContext": request_context,
            "body": event_body,
            "isBase64Encoded": is_base64,
        }

    async def _invoke(self, function_name: str, event: dict[str, Any]) -> InvokeResult:
        loop = asyncio.get_running_loop()
        call = functools.partial(self.invoker.invoke, function_name, event, source="api")
        try:
            return await asyncio.wait_for(loop.run_in_executor(self.executor, call), self.integration_timeout_s)
        except TimeoutError as error:
            raise _Reject("INTEGRATION_TIMEOUT") from error

    def _response(self, result: InvokeResult) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if result.throttled:
            raise _Reject("THROTTLED")
        if result.error_type is not None:
            if "timedout" in result.error_type.lower() or "timeout" in result.error_type.lower():
                raise _Reject("INTEGRATION_TIMEOUT")
            raise _Reject("INTEGRATION_FAILURE")
        try:
            return parse_proxy_response(result.payload)
        except MalformedProxyResponse as error:
            logger.warning("malformed Lambda proxy response: %s", error)
            raise _Reject("INTEGRATION_FAILURE") from error

    def _gateway_response(
        self, response_type: str, request: _Request, message: str | None = None
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """An error as API Gateway answers it: its default ({"message"}), or the API's gateway response
        for the type (x-amazon-apigateway-gateway-responses, else DEFAULT_4XX / DEFAULT_5XX) with its
        status, headers and application/json template rendered."""
        status, default_message, error_type = _ERRORS[response_type]
        text = message or default_message
        headers = [
            (b"content-type", b"application/json"),
            (b"x-amzn-errortype", error_type.encode()),
            (b"x-amzn-requestid", request.request_id.encode()),
        ]
        body = json.dumps({"message": text}).encode()
        customised = self._default_api.gateway_responses if self._default_api else {}
        custom = customised.get(response_type) or customised.get("DEFAULT_4XX" if status < 500 else "DEFAULT_5XX")
        if custom:
            status = int(custom.get("statusCode", status))
            for key, value in (custom.get("responseParameters") or {}).items():
                prefix = "gatewayresponse.header."
                if key.startswith(prefix):
                    headers.append((key[len(prefix) :].encode(), str(value).strip("'").encode()))
            template = (custom.get("responseTemplates") or {}).get("application/json")
            if template:
                context = {**request.context(), **error_context(text, response_type)}
                body = render(str(template), context).encode()
        return status, headers, body


def _get(headers: dict[str, str], name: str) -> str | None:
    """A header by name, whatever its case (clients differ; API Gateway matches case-insensitively)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, candidate in headers.items():
        if key.lower() == lowered:
            return candidate
    return None
