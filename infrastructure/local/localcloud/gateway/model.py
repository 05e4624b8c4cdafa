"""What the local API Gateway serves, read from the resolved stack: the REST APIs' routes (from the
OpenAPI body SAM writes), their stages, throttling settings, Cognito authorizers and usage plans."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from localcloud.stack import Resource, Stack

logger = logging.getLogger("localcloud.gateway")

ANY_METHOD = "ANY"
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
_LAMBDA_URI = re.compile(r"/functions/(?P<arn>.+?)/invocations$")
_FUNCTION_ARN = re.compile(r"^arn:[^:]+:lambda:[^:]*:[^:]*:function:(?P<name>[^:]+)")
_USER_POOL_ARN = re.compile(r"^arn:[^:]+:cognito-idp:(?P<region>[^:]*):[^:]*:userpool/(?P<pool_id>.+)$")


@dataclass(frozen=True)
class Route:
    """One method of one resource, as `routes()` reports it."""

    method: str  # GET, POST, ..., or ANY
    path: str  # the resource path with {param} and {proxy+}
    function_name: str | None  # None for mock integrations (CORS preflight)
    authorizer: str | None  # the security scheme name of a Cognito authorizer
    api_key_required: bool


@dataclass(frozen=True)
class CognitoAuthorizerSpec:
    name: str
    pool_id: str
    region: str


@dataclass(frozen=True)
class MockResponse:
    """A mock integration's default response (CORS preflight; the 405 of a path's other methods).
    `template` is its application/json mapping template, rendered per request (`$context` references)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    template: str
    request_media_types: tuple[str, ...] = ()  # the request templates' content types
    passthrough: str = "when_no_match"  # "never": a request of another content type answers 415


@dataclass(frozen=True)
class Operation:
    """Everything the gateway needs to serve one route, resolved once at startup."""

    route: Route
    api: ApiSpec
    resource_id: str
    scopes: tuple[str, ...]  # OAuth scopes required of a Cognito access token (empty: any token)
    cognito: CognitoAuthorizerSpec | None
    mock: MockResponse | None
    throttle: tuple[float, float] | None  # (rate, burst) from MethodSettings, None: unlimited
    function_arn: str | None = None  # the ARN the integration invokes (an alias's, with AutoPublishAlias)


@dataclass(frozen=True)
class UsagePlanSpec:
    name: str
    plan_id: str
    throttle: tuple[float, float] | None  # (rate, burst)
    quota: tuple[int, str, int] | None  # (limit, DAY|WEEK|MONTH, offset)
    method_throttles: dict[str, tuple[float, float]]  # "/path/METHOD" -> (rate, burst)
    api_stages: frozenset[tuple[str, str]]  # (api id, stage name)


@dataclass
class ApiSpec:
    logical_id: str
    api_id: str
    stage_name: str
    stage_variables: dict[str, str] | None
    binary_media_types: tuple[str, ...]
    gateway_responses: dict[str, dict[str, Any]]
    operations: list[Operation] = field(default_factory=list)


def stable_api_key_value(stack: Stack, logical_id: str) -> str:
    """A key value that survives restarts (API Gateway generates a random one when none is given)."""
    return hashlib.sha256(f"{stack.name}/{logical_id}".encode()).hexdigest()[:40]


def _resource_id(api_id: str, path: str) -> str:
    return hashlib.sha1(f"{api_id}{path}".encode()).hexdigest()[:6]


def _throttle_of(settings: dict[str, Any], rate_key: str, burst_key: str) -> tuple[float, float] | None:
    if rate_key not in settings and burst_key not in settings:
        return None
    return (float(settings.get(rate_key, 10000)), float(settings.get(burst_key, 5000)))


def _decode_resource_path(path: str) -> str:
    # MethodSettings write /a/b as "/~1a~1b"; a plain "/a/b" is taken as is.
    return path[1:].replace("~1", "/") if path.startswith("/~1") else path


def _method_throttles(stage: Resource | None) -> tuple[tuple[float, float] | None, dict[str, tuple[float, float]]]:
    """The stage default (`/*` `*`) and per-method overrides keyed "/path METHOD"."""
    default: tuple[float, float] | None = None
    per_method: dict[str, tuple[float, float]] = {}
    for setting in (stage.properties.get("MethodSettings") or []) if stage else []:
        limits = _throttle_of(setting, "ThrottlingRateLimit", "ThrottlingBurstLimit")
        if limits is None:
            continue
        path = _decode_resource_path(str(setting.get("ResourcePath", "/*")))
        method = str(setting.get("HttpMethod", "*")).upper()
        if path == "/*" and method == "*":
            default = limits
        else:
            per_method[f"{path} {method}"] = limits
    return default, per_method


def _function_name(stack: Stack, uri: Any) -> str | None:
    match = _LAMBDA_URI.search(str(uri))
    if not match:
        return None
    arn = match.group("arn")
    resource = stack.by_arn(arn)
    if resource is not None and resource.type == "AWS::Lambda::Function":
        return resource.physical_id
    named = _FUNCTION_ARN.match(arn)  # an alias or version ARN: the function part names it
    return named.group("name") if named else arn


def _invoked_arn(uri: Any) -> str | None:
    match = _LAMBDA_URI.search(str(uri))
    return match.group("arn") if match else None


def _cognito_spec(stack: Stack, name: str, scheme: dict[str, Any]) -> CognitoAuthorizerSpec | None:
    authorizer = scheme.get("x-amazon-apigateway-authorizer") or {}
    if str(authorizer.get("type", "")).lower() != "cognito_user_pools":
        return None
    arns = authorizer.get("providerARNs") or []
    if not arns:
        return None
    arn = str(arns[0])
    parsed = _USER_POOL_ARN.match(arn)
    pool = stack.by_arn(arn)
    pool_id = pool.physical_id if pool is not None else (parsed.group("pool_id") if parsed else arn)
    region = parsed.group("region") if parsed else stack.region
    return CognitoAuthorizerSpec(name=name, pool_id=pool_id, region=region or stack.region)


def _mock_response(integration: dict[str, Any]) -> MockResponse:
    default = (integration.get("responses") or {}).get("default") or {}
    headers = []
    for key, value in (default.get("responseParameters") or {}).items():
        prefix = "method.response.header."
        if key.startswith(prefix):
            headers.append((key[len(prefix) :], str(value).strip("'")))
    templates = default.get("responseTemplates") or {}
    template = str(templates.get("application/json", ""))
    return MockResponse(
        status=int(default.get("statusCode", 200)),
        headers=tuple(headers),
        template=template,
        request_media_types=tuple(str(t).lower() for t in (integration.get("requestTemplates") or {})),
        passthrough=str(integration.get("passthroughBehavior", "when_no_match")).lower(),
    )


def _stage_of(stack: Stack, api: Resource) -> Resource | None:
    stages = [s for s in stack.of_type("AWS::ApiGateway::Stage") if s.properties.get("RestApiId") == api.physical_id]
    return stages[0] if stages else None


def load_apis(stack: Stack) -> list[ApiSpec]:
    apis = []
    for api in stack.of_type("AWS::ApiGateway::RestApi"):
        body = api.properties.get("Body") or {}
        stage = _stage_of(stack, api)
        stage_name = str(stage.properties.get("StageName", "prod")) if stage else "prod"
        variables = (stage.properties.get("Variables") or None) if stage else None
        binary = tuple(body.get("x-amazon-apigateway-binary-media-types") or api.properties.get("BinaryMediaTypes") or ())
        spec = ApiSpec(
            logical_id=api.logical_id,
            api_id=api.physical_id,
            stage_name=stage_name,
            stage_variables={str(k): str(v) for k, v in variables.items()} if variables else None,
            binary_media_types=binary,
            gateway_responses=body.get("x-amazon-apigateway-gateway-responses") or {},
        )
        schemes = (body.get("components") or {}).get("securitySchemes") or body.get("securityDefinitions") or {}
        cognito = {name: _cognito_spec(stack, name, s) for name, s in schemes.items()}
        api_key_schemes = {
            name
            for name, s in schemes.items()
            if str(s.get("type", "")).lower() == "apikey"
            and str(s.get("name", "")).lower() == "x-api-key"
            and "x-amazon-apigateway-authorizer" not in s
        }
        stage_default, per_method = _method_throttles(stage)
        default_security = body.get("security")
        for path, operations in (body.get("paths") or {}).items():
            for key, operation in operations.items():
                if key == "x-amazon-apigateway-any-method":
                    method = ANY_METHOD
                elif key.lower() in _HTTP_METHODS:
                    method = key.upper()
                else:
                    if not key.startswith(("x-", "parameters", "summary", "description", "servers")):
                        # e.g. "any": SAM's MergeDefinitions writes an ANY event so; API Gateway reads no such method
                        logger.warning("%s: %s is not a method API Gateway serves; ignored", path, key)
                    continue
                integration = operation.get("x-amazon-apigateway-integration") or {}
                security = operation.get("security", default_security) or []
                authorizer, scopes, key_required = None, (), False
                for requirement in security:
                    for name, wanted_scopes in requirement.items():
                        if name in api_key_schemes:
                            key_required = True
                        elif cognito.get(name) is not None and authorizer is None:
                            authorizer, scopes = name, tuple(wanted_scopes or ())
                is_proxy = str(integration.get("type", "")).lower() == "aws_proxy"
                route = Route(
                    method=method,
                    path=path,
                    function_name=_function_name(stack, integration.get("uri")) if is_proxy else None,
                    authorizer=authorizer,
                    api_key_required=key_required,
                )
                throttle = per_method.get(f"{path} {method}") or per_method.get(f"{path} *") or stage_default
                spec.operations.append(
                    Operation(
                        route=route,
                        api=spec,
                        resource_id=_resource_id(spec.api_id, path),
                        scopes=scopes,
                        cognito=cognito.get(authorizer) if authorizer else None,
                        mock=None if is_proxy else _mock_response(integration),
                        throttle=throttle,
                        function_arn=_invoked_arn(integration.get("uri")) if is_proxy else None,
                    )
                )
        apis.append(spec)
    return apis


def load_usage_plans(stack: Stack, apis: list[ApiSpec]) -> tuple[list[UsagePlanSpec], dict[str, list[str]]]:
    """The usage plans that cover our API stages, and each key value's plan ids."""
    stage_names = {s.physical_id: str(s.properties.get("StageName", s.physical_id)) for s in stack.of_type("AWS::ApiGateway::Stage")}
    plans = []
    for plan in stack.of_type("AWS::ApiGateway::UsagePlan"):
        props = plan.properties
        api_stages, method_throttles = set(), {}
        for api_stage in props.get("ApiStages") or []:
            stage = str(api_stage.get("Stage", ""))
            api_stages.add((str(api_stage.get("ApiId", "")), stage_names.get(stage, stage)))
            for method_key, limits in (api_stage.get("Throttle") or {}).items():
                parsed = _throttle_of(limits, "RateLimit", "BurstLimit")
                if parsed:
                    method_throttles[method_key] = parsed
        quota = props.get("Quota")
        plans.append(
            UsagePlanSpec(
                name=str(props.get("UsagePlanName") or plan.logical_id),
                plan_id=plan.physical_id,
                throttle=_throttle_of(props.get("Throttle") or {}, "RateLimit", "BurstLimit"),
                quota=(int(quota["Limit"]), str(quota.get("Period", "MONTH")).upper(), int(quota.get("Offset", 0)))
                if quota and "Limit" in quota
                else None,
                method_throttles=method_throttles,
                api_stages=frozenset(api_stages),
            )
        )
    keys_by_id = {}
    for key in stack.of_type("AWS::ApiGateway::ApiKey"):
        if str(key.properties.get("Enabled", True)).lower() == "false":
            continue
        value = key.properties.get("Value") or key.attributes.get("Value") or stable_api_key_value(stack, key.logical_id)
        keys_by_id[key.physical_id] = str(value)
    plans_of_key: dict[str, list[str]] = {}
    for link in stack.of_type("AWS::ApiGateway::UsagePlanKey"):
        value = keys_by_id.get(str(link.properties.get("KeyId")))
        if value is not None:
            plans_of_key.setdefault(value, []).append(str(link.properties.get("UsagePlanId")))
    return plans, plans_of_key


def user_pool_client_ids(stack: Stack, pool_id: str) -> set[str]:
    return {
        c.physical_id for c in stack.of_type("AWS::Cognito::UserPoolClient") if c.properties.get("UserPoolId") == pool_id
    }
