"""Routing, the REST proxy event and the mapping of Lambda results, through a real uvicorn."""

from __future__ import annotations

import base64
import json
import logging
import time

import pytest
from gateway_support import (
    ACCOUNT,
    API_ID,
    TinyResolver,
    function_name,
    gateway_error,
    load_template,
    ok_json,
    resource_of_type,
    translate,
)
from localcloud.gateway import LocalApiGateway, Route
from localcloud.invoker import InvokeResult

ECHO = function_name("EchoFunction")


def test_routes_list_every_method_with_its_function_authorizer_and_key(make_stack):
    from gateway_support import FakeInvoker

    routes = LocalApiGateway(make_stack(), FakeInvoker()).routes()

    assert Route("GET", "/items/{itemId}", ECHO, "CognitoAuthorizer", False) in routes
    assert Route("PUT", "/public/{proxy+}", ECHO, None, False) in routes
    assert Route("ANY", "/health", None, None, False) in routes  # the 405 mock
    assert Route("GET", "/partner/orders", function_name("PartnerFunction"), None, True) in routes
    assert Route("OPTIONS", "/items", None, None, False) in routes  # the CORS mock


def test_the_real_template_serves_health_without_authorizer():
    from gateway_support import FakeInvoker

    stack = TinyResolver(translate(load_template(with_test_routes=False)), {}).stack()
    routes = LocalApiGateway(stack, FakeInvoker()).routes()

    assert Route("GET", "/health", function_name("HealthFunction"), None, False) in routes


def test_unknown_path_answers_the_templates_404_for_a_missing_authentication_token(gw):
    response = gw.client.get("/nowhere")

    assert response.status_code == 404
    assert response.json() == gateway_error("ROUTE_NOT_FOUND", "no such route: see /openapi.json")
    assert response.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["x-amzn-requestid"]
    assert gw.invoker.calls == []


def test_without_gateway_responses_the_answers_are_api_gateways_defaults(make_stack, run_gateway):
    stack = make_stack()
    resource_of_type(stack, "AWS::ApiGateway::RestApi").properties["Body"].pop("x-amazon-apigateway-gateway-responses")
    gw = run_gateway(stack)

    response = gw.client.get("/nowhere")

    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize("method", ["DELETE", "TRACE", "PUT", "HEAD"])
def test_a_known_paths_other_methods_answer_405_from_the_templates_any_mock(gw, method):
    response = gw.client.request(method, "/health")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    if method != "HEAD":
        assert response.json() == {"error": {"code": "METHOD_NOT_ALLOWED", "message": f"{method} is not allowed here",
                                             "details": {"allowed": ["GET"]}}}
    assert gw.invoker.calls == []


def test_the_405_mock_takes_only_what_it_has_a_template_for(gw):
    response = gw.client.request("TRACE", "/health", content=b"x", headers={"Content-Type": "text/plain"})

    assert response.status_code == 415  # passthroughBehavior never
    assert response.json() == gateway_error("UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type")
    assert gw.client.request("TRACE", "/health", headers={"Content-Type": "application/json"}).status_code == 405


def test_a_body_over_api_gateways_10_mb_answers_413_unread(gw):
    response = gw.client.post("/items", content=b"x" * (10 * 1024 * 1024 + 1))

    assert response.status_code == 413
    assert response.json() == gateway_error("PAYLOAD_TOO_LARGE", "Request Too Long")
    assert gw.invoker.calls == []


def test_greedy_proxy_takes_the_rest_of_the_path(gw):
    response = gw.client.put("/public/a/b%20c/d")

    assert response.status_code == 200
    event = gw.invoker.last_event
    assert event["resource"] == "/public/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b c/d"}
    assert event["httpMethod"] == "PUT"


def test_literal_segment_wins_over_greedy_proxy_and_params_are_decoded(gw):
    gw.client.get("/files/my%20bucket/special")
    assert gw.invoker.last_event["resource"] == "/files/{bucket}/special"
    assert gw.invoker.last_event["pathParameters"] == {"bucket": "my bucket"}

    gw.client.get("/files/b1/x/y.txt")
    assert gw.invoker.last_event["resource"] == "/files/{bucket}/{proxy+}"
    assert gw.invoker.last_event["pathParameters"] == {"bucket": "b1", "proxy": "x/y.txt"}


def test_stage_prefix_is_accepted_and_kept_in_request_context_path(gw):
    response = gw.client.get("/dev/health")

    assert response.status_code == 200
    event = gw.invoker.last_event
    assert event["path"] == "/health"
    assert event["requestContext"]["path"] == "/dev/health"
    assert event["requestContext"]["stage"] == "dev"


def test_event_carries_query_headers_and_context_as_rest_api_v1(gw):
    gw.client.get(
        "/public/x?color=red&size=1&size=2&empty=",
        headers=[("X-Tag", "a"), ("X-Tag", "b"), ("User-Agent", "tests/1.0")],
    )

    event = gw.invoker.last_event
    assert event["queryStringParameters"] == {"color": "red", "size": "2", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"color": ["red"], "size": ["1", "2"], "empty": [""]}
    assert event["headers"]["X-Tag"] == "b"
    assert event["multiValueHeaders"]["X-Tag"] == ["a", "b"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["headers"]["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert event["body"] is None and event["isBase64Encoded"] is False
    assert event["stageVariables"] is None
    context = event["requestContext"]
    assert context["apiId"] == API_ID and context["accountId"] == ACCOUNT
    assert context["resourcePath"] == "/public/{proxy+}" and context["httpMethod"] == "GET"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "tests/1.0"
    assert abs(context["requestTimeEpoch"] - time.time() * 1000) < 5000
    assert len(context["requestId"]) == 36
    assert "authorizer" not in context


def test_event_without_query_has_null_query_and_path_parameters(gw):
    gw.client.get("/health")

    event = gw.invoker.last_event
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None


def test_text_body_is_passed_as_string_and_binary_body_as_base64(gw):
    gw.client.post("/public/upload", content=json.dumps({"a": 1}), headers={"Content-Type": "application/json"})
    assert gw.invoker.last_event["body"] == '{"a": 1}'
    assert gw.invoker.last_event["isBase64Encoded"] is False

    raw = bytes(range(256))
    gw.client.post("/public/upload", content=raw, headers={"Content-Type": "application/octet-stream"})
    event = gw.invoker.last_event
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == raw


def test_function_response_headers_multi_value_headers_and_base64_body(gw):
    gw.invoker.handlers[ECHO] = lambda event: InvokeResult(
        payload={
            "statusCode": 201,
            "headers": {"Content-Type": "image/png", "X-One": "1"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x89PNG").decode(),
            "isBase64Encoded": True,
        }
    )

    response = gw.client.get("/public/img")

    assert response.status_code == 201
    assert response.content == b"\x89PNG"
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-one"] == "1"
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert response.headers["x-amzn-requestid"] == gw.invoker.last_event["requestContext"]["requestId"]


def test_response_without_content_type_defaults_to_json(gw):
    gw.invoker.handlers[ECHO] = lambda event: ok_json({"ok": True})

    response = gw.client.get("/public/x")

    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"ok": True}


@pytest.mark.parametrize(
    "payload",
    [
        "not an object",
        {"body": "no status"},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "body": "x", "unexpected": 1},
    ],
)
def test_malformed_proxy_response_answers_502(gw, payload):
    gw.invoker.handlers[ECHO] = lambda event: InvokeResult(payload=payload)

    response = gw.client.get("/public/x")

    assert response.status_code == 502
    assert response.json() == gateway_error("BAD_GATEWAY", "Internal server error")


def test_function_error_answers_502(gw):
    gw.invoker.handlers[ECHO] = lambda event: InvokeResult(
        payload={"errorType": "KeyError", "errorMessage": "x"}, error_type="KeyError"
    )

    response = gw.client.get("/public/x")

    assert response.status_code == 502
    assert response.json() == gateway_error("BAD_GATEWAY", "Internal server error")


def test_function_timeout_answers_504(gw):
    gw.invoker.handlers[ECHO] = lambda event: InvokeResult(payload={}, error_type="Sandbox.Timedout")

    response = gw.client.get("/public/x")

    assert response.status_code == 504
    assert response.json() == gateway_error("GATEWAY_TIMEOUT", "Endpoint request timed out")


def test_integration_slower_than_the_gateway_cap_answers_504(make_stack, run_gateway):
    gw = run_gateway(make_stack(), integration_timeout_s=0.2)
    gw.invoker.handlers[ECHO] = lambda event: (time.sleep(0.6), ok_json({}))[1]

    started = time.monotonic()
    response = gw.client.get("/public/slow")

    assert response.status_code == 504
    assert response.json() == gateway_error("GATEWAY_TIMEOUT", "Endpoint request timed out")
    assert time.monotonic() - started < 0.5


def test_throttled_invoke_answers_429(gw):
    gw.invoker.handlers[ECHO] = lambda event: InvokeResult(payload=None, throttled=True)

    response = gw.client.get("/public/x")

    assert response.status_code == 429
    assert response.json() == gateway_error("TOO_MANY_REQUESTS", "Too Many Requests")


def test_concurrent_requests_are_invoked_in_parallel(make_stack, run_gateway):
    import concurrent.futures
    import threading

    import httpx

    gw = run_gateway(make_stack())
    lock, in_flight, most_in_flight = threading.Lock(), [0], [0]

    def slow(event):
        with lock:
            in_flight[0] += 1
            most_in_flight[0] = max(most_in_flight[0], in_flight[0])
        time.sleep(0.3)
        with lock:
            in_flight[0] -= 1
        return ok_json({})

    gw.invoker.handlers[ECHO] = slow

    def call(_: int) -> int:
        with httpx.Client(base_url=gw.server.url) as client:
            return client.get("/public/x").status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(call, range(8)))

    assert statuses == [200] * 8
    assert most_in_flight[0] >= 4  # the invokes overlapped instead of queueing behind each other


def test_each_request_is_logged_in_one_line_unless_quiet(make_stack, run_gateway, caplog):
    caplog.set_level(logging.INFO, logger="localcloud.gateway")
    loud = run_gateway(make_stack(), quiet=False)
    quiet = run_gateway(make_stack(), quiet=True)

    loud.client.get("/health")
    quiet.client.get("/health")
    loud.client.get("/nowhere")

    def logged() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "localcloud.gateway"]

    deadline = time.monotonic() + 5  # the line is written once the response is sent, on another thread
    while len(logged()) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # and a quiet gateway's line would have had the time to appear too
    lines = logged()
    assert len(lines) == 2
    assert lines[0].startswith("GET /health 200 ") and lines[0].endswith(function_name("HealthFunction"))
    assert lines[1].startswith("GET /nowhere 404 ")


def test_stage_variables_reach_the_event(make_stack, run_gateway):
    stack = make_stack()
    (stage,) = stack.of_type("AWS::ApiGateway::Stage")
    stage.properties["Variables"] = {"alias": "live"}
    gw = run_gateway(stack)

    gw.client.get("/health")

    assert gw.invoker.last_event["stageVariables"] == {"alias": "live"}


def test_a_powertools_rest_resolver_serves_the_gateway_events(gw):
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    resolver = APIGatewayRestResolver()

    @resolver.get("/files/<bucket>/<key>")
    def get_file(bucket: str, key: str) -> dict:
        event = resolver.current_event
        return {"bucket": bucket, "key": key, "q": event.get_query_string_value("q"), "tag": event.headers.get("x-tag")}

    gw.invoker.handlers[ECHO] = lambda event: InvokeResult(payload=resolver.resolve(event, {}))

    response = gw.client.get("/files/b1/k1?q=shoes", headers={"X-Tag": "t"})

    assert response.status_code == 200
    assert response.json() == {"bucket": "b1", "key": "k1", "q": "shoes", "tag": "t"}


def test_a_function_whose_policy_refuses_api_gateway_answers_500_without_being_invoked(run_gateway, make_stack):
    asked = []

    def permission(function_arn, source_arn):
        asked.append((function_arn, source_arn))
        return False

    gateway = run_gateway(make_stack(), invoke_permission=permission)
    response = gateway.client.get("/public/a/b")
    assert response.status_code == 500
    assert response.json() == gateway_error("DEFAULT_5XX", "Internal server error")  # the template's DEFAULT_5XX
    assert gateway.invoker.calls == []
    function_arn, source_arn = asked[0]
    assert function_arn.endswith(f":function:{ECHO}")
    assert source_arn == f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{API_ID}/{gateway.gateway.apis[0].stage_name}/GET/public/a/b"
