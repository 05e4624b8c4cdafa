"""An HTTP request to the local AWS endpoint, as IAM sees it: who signed it (SigV4's access key and
session token) and which operation of which service it calls, with its parameters.

Protocols: JSON (X-Amz-Target: DynamoDB, Streams, SQS, Step Functions, EventBridge, Secrets
Manager, SSM, Cognito, Logs, KMS), query (Action=: SES v1, SNS, STS, IAM, CloudWatch) and REST
(Lambda, SES v2 and the rest, matched against botocore's own request URIs)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")

# X-Amz-Target prefix -> IAM service prefix (and whether it is DynamoDB Streams)
_TARGETS = {
    "DynamoDB_20120810": "dynamodb", "DynamoDBStreams_20120810": "dynamodb", "AWSEvents": "events",
    "AWSStepFunctions": "states", "AmazonSQS": "sqs", "secretsmanager": "secretsmanager", "AmazonSSM": "ssm",
    "AWSCognitoIdentityProviderService": "cognito-idp", "Logs_20140328": "logs", "TrentService": "kms",
    "GraniteServiceVersion20100801": "cloudwatch",
}
# SigV4 signing name -> IAM service prefix, where they differ
_SIGNING_TO_PREFIX = {"monitoring": "cloudwatch", "email": "ses"}
# SigV4 signing name -> botocore service model, for the REST services
_REST_MODELS = {"lambda": "lambda", "ses": "sesv2", "xray": "xray", "s3": "s3", "apigateway": "apigateway",
                "execute-api": "apigateway"}


@dataclass(frozen=True)
class Signature:
    access_key: str
    region: str
    service: str  # the SigV4 signing name
    session_token: str | None


def signature(environ: Mapping[str, Any]) -> Signature | None:
    """Who signed the request (None: unsigned, e.g. Cognito's public sign-in operations)."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    match = _CREDENTIAL.search(header) if header else None
    if match is None:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        credential = (query.get("X-Amz-Credential") or [""])[0]  # a presigned URL
        parts = credential.split("/")
        if len(parts) != 5:
            return None
        token = (query.get("X-Amz-Security-Token") or [None])[0]
        return Signature(parts[0], parts[2], parts[3], token)
    return Signature(match.group(1), match.group(2), match.group(3), environ.get("HTTP_X_AMZ_SECURITY_TOKEN"))


@dataclass(frozen=True)
class Call:
    service: str  # IAM prefix
    operation: str
    params: Mapping[str, Any]
    protocol: str  # json | query | rest-json | rest-xml
    streams: bool = False  # a DynamoDB Streams operation
    json_version: str = "1.1"


def identify(environ: Mapping[str, Any], body: bytes, signed: Signature) -> Call:
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target and "." in target:
        prefix, operation = target.split(".", 1)
        service = _TARGETS.get(prefix) or _SIGNING_TO_PREFIX.get(signed.service, signed.service)
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            params = {}
        version = "1.0" if "1.0" in environ.get("CONTENT_TYPE", "") else "1.1"
        return Call(service, operation, params if isinstance(params, dict) else {}, "json",
                    streams=prefix.startswith("DynamoDBStreams"), json_version=version)
    service = _SIGNING_TO_PREFIX.get(signed.service, signed.service)
    form = _form(environ, body)
    if "Action" in form:
        return Call(service, form["Action"], form, "query")
    model = _REST_MODELS.get(signed.service)
    path = environ.get("PATH_INFO", "/")
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if model is None:
        return Call(service, "Unknown", query, "rest-json")
    if model == "sesv2" and not path.startswith("/v2/"):
        return Call(service, "Unknown", query, "query")
    operation, labels = _rest_operation(model, environ.get("REQUEST_METHOD", "GET"), path)
    params: dict[str, Any] = {**query, **labels}
    # Lambda scopes only the function named in the path (a FunctionName in a body, as in
    # CreateEventSourceMapping, is authorized on "*")
    if model != "lambda" and body and environ.get("CONTENT_TYPE", "").startswith("application/json"):
        try:
            decoded = json.loads(body)
            if isinstance(decoded, dict):
                params = {**decoded, **params}
        except ValueError:
            pass
    protocol = "rest-xml" if model == "s3" else "rest-json"
    return Call(service, operation or "Unknown", params, protocol)


def _form(environ: Mapping[str, Any], body: bytes) -> dict[str, Any]:
    text = environ.get("QUERY_STRING", "")
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded") and body:
        text = f"{text}&{body.decode('utf-8', 'replace')}" if text else body.decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(text).items()}


@functools.lru_cache(maxsize=16)
def _routes(model: str) -> list[tuple[str, re.Pattern[str], str, int]]:
    """(method, path regex, operation, literal length) of every operation of a REST service model."""
    import botocore.session

    service = botocore.session.get_session().get_service_model(model)
    routes = []
    for name in service.operation_names:
        http = service.operation_model(name).http
        uri = http.get("requestUri", "/").split("?", 1)[0]
        pattern = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(uri))
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
        routes.append((http.get("method", "GET"), re.compile(pattern.rstrip("/") + "/?"), name,
                       len(re.sub(r"\{[^}]+\}", "", uri))))
    routes.sort(key=lambda r: -r[3])  # the most specific path first
    return routes


def _rest_operation(model: str, method: str, path: str) -> tuple[str | None, dict[str, str]]:
    for route_method, pattern, name, _ in _routes(model):
        if route_method != method:
            continue
        match = pattern.fullmatch(path)
        if match:
            return name, {k: unquote(v) for k, v in match.groupdict().items()}
    return None, {}
