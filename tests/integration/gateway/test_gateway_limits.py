"""Stage and method throttling, usage plans with API keys, and CORS preflight."""

from __future__ import annotations

from gateway_support import function_name, gateway_error, resource_of_type
from localcloud.gateway.model import stable_api_key_value

PARTNER = "/partner/orders"


def _with_method_settings(stack, settings):
    resource_of_type(stack, "AWS::ApiGateway::Stage").properties["MethodSettings"] = settings
    return stack


def _with_plan(stack, **plan_properties):
    resource_of_type(stack, "AWS::ApiGateway::UsagePlan").properties.update(plan_properties)
    return stack


def _statuses(client, path, count, **kwargs):
    return [client.get(path, **kwargs).status_code for _ in range(count)]


def test_stage_throttling_answers_429_beyond_the_burst(make_stack, run_gateway):
    stack = _with_method_settings(
        make_stack(), [{"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingBurstLimit": 3, "ThrottlingRateLimit": 0.01}]
    )
    gw = run_gateway(stack)

    statuses = _statuses(gw.client, "/health", 5)
    response = gw.client.get("/health")

    assert statuses == [200, 200, 200, 429, 429]
    assert response.json() == gateway_error("TOO_MANY_REQUESTS", "Too Many Requests")
    assert len(gw.invoker.calls) == 3


def test_stage_throttling_applies_to_each_method_apart(make_stack, run_gateway):
    stack = _with_method_settings(
        make_stack(), [{"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 0.01}]
    )
    gw = run_gateway(stack)

    assert _statuses(gw.client, "/health", 2) == [200, 429]
    assert _statuses(gw.client, "/limited", 2) == [200, 429]


def test_method_throttling_overrides_the_stage_default(make_stack, run_gateway):
    stack = _with_method_settings(
        make_stack(),
        [
            {"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 100},
            {"ResourcePath": "/~1limited", "HttpMethod": "GET", "ThrottlingBurstLimit": 2, "ThrottlingRateLimit": 0.01},
        ],
    )
    gw = run_gateway(stack)

    assert _statuses(gw.client, "/limited", 3) == [200, 200, 429]
    assert _statuses(gw.client, "/health", 3) == [200, 200, 200]


def test_throttle_refills_at_the_rate_limit(make_stack, run_gateway):
    import time

    stack = _with_method_settings(
        make_stack(), [{"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 20}]
    )
    gw = run_gateway(stack)

    assert _statuses(gw.client, "/health", 2) == [200, 429]
    time.sleep(0.1)
    assert gw.client.get("/health").status_code == 200


def test_api_keys_are_stable_per_usage_plan(make_stack, run_gateway):
    gw = run_gateway(make_stack())

    assert gw.gateway.api_keys() == {"ShopApiUsagePlan": [stable_api_key_value(gw.gateway.stack, "ShopApiApiKey")]}
    assert run_gateway(make_stack()).gateway.api_keys() == gw.gateway.api_keys()


def test_api_key_route_refuses_missing_and_unknown_keys_with_403(gw):

    missing = gw.client.get(PARTNER)
    unknown = gw.client.get(PARTNER, headers={"x-api-key": "not-a-key"})

    assert missing.status_code == 403 and missing.json() == gateway_error("INVALID_API_KEY", "Forbidden")
    assert unknown.status_code == 403 and unknown.json() == gateway_error("INVALID_API_KEY", "Forbidden")
    assert gw.invoker.calls == []


def test_valid_api_key_reaches_the_function_and_is_in_the_identity(gw):
    (key,) = gw.gateway.api_keys()["ShopApiUsagePlan"]

    response = gw.client.get(PARTNER, headers={"x-api-key": key})

    assert response.status_code == 200
    name, event = gw.invoker.calls[-1]
    assert name == function_name("PartnerFunction")
    assert event["requestContext"]["identity"]["apiKey"] == key


def test_a_key_given_in_the_template_is_used_as_is(make_stack, run_gateway):
    stack = make_stack()
    resource_of_type(stack, "AWS::ApiGateway::ApiKey").properties["Value"] = "partner-key-0123456789abcdef"
    gw = run_gateway(stack)

    assert gw.gateway.api_keys() == {"ShopApiUsagePlan": ["partner-key-0123456789abcdef"]}
    assert gw.client.get(PARTNER, headers={"x-api-key": "partner-key-0123456789abcdef"}).status_code == 200


def test_usage_plan_throttle_answers_429_per_key(make_stack, run_gateway):
    gw = run_gateway(_with_plan(make_stack(), Throttle={"BurstLimit": 2, "RateLimit": 0.01}))
    (key,) = gw.gateway.api_keys()["ShopApiUsagePlan"]

    statuses = _statuses(gw.client, PARTNER, 3, headers={"x-api-key": key})

    assert statuses == [200, 200, 429]
    assert gw.client.get(PARTNER, headers={"x-api-key": key}).json() == gateway_error("TOO_MANY_REQUESTS", "Too Many Requests")


def test_usage_plan_quota_answers_429_limit_exceeded(make_stack, run_gateway):
    gw = run_gateway(_with_plan(make_stack(), Quota={"Limit": 2, "Period": "DAY"}))
    (key,) = gw.gateway.api_keys()["ShopApiUsagePlan"]

    statuses = _statuses(gw.client, PARTNER, 3, headers={"x-api-key": key})
    response = gw.client.get(PARTNER, headers={"x-api-key": key})

    assert statuses == [200, 200, 429]
    assert response.json() == gateway_error("QUOTA_EXCEEDED", "Limit Exceeded")
    assert response.headers["x-amzn-errortype"] == "LimitExceededException"


def test_usage_plan_per_method_throttle_overrides_the_plan_throttle(make_stack, run_gateway):
    stack = make_stack()
    plan = resource_of_type(stack, "AWS::ApiGateway::UsagePlan")
    plan.properties["ApiStages"][0]["Throttle"] = {f"{PARTNER}/GET": {"BurstLimit": 1, "RateLimit": 0.01}}
    gw = run_gateway(stack)
    (key,) = gw.gateway.api_keys()["ShopApiUsagePlan"]

    assert _statuses(gw.client, PARTNER, 2, headers={"x-api-key": key}) == [200, 429]


def test_cors_preflight_answers_from_the_template_mock_without_invoking(gw):

    response = gw.client.options(
        "/items/42", headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "GET"}
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "PATCH" in response.headers["access-control-allow-methods"]
    assert "Authorization" in response.headers["access-control-allow-headers"]
    assert response.headers["access-control-max-age"] == "600"
    assert gw.invoker.calls == []


def test_actual_response_carries_the_cors_headers_the_function_returns(gw):
    from gateway_support import ok_json

    result = ok_json({})
    result.payload["headers"] = {"Access-Control-Allow-Origin": "https://shop.example"}
    gw.invoker.handlers[function_name("EchoFunction")] = lambda event: result

    response = gw.client.get("/public/x", headers={"Origin": "https://shop.example"})

    assert response.headers["access-control-allow-origin"] == "https://shop.example"


def test_gateway_responses_from_the_template_customise_errors(make_stack, run_gateway):
    stack = make_stack()
    resource_of_type(stack, "AWS::ApiGateway::RestApi").properties["Body"]["x-amazon-apigateway-gateway-responses"] = {
        "DEFAULT_4XX": {"responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}},
        "MISSING_AUTHENTICATION_TOKEN": {"statusCode": 404},
    }
    gw = run_gateway(stack)

    missing = gw.client.get("/nowhere")
    forbidden = gw.client.get(PARTNER)

    assert missing.status_code == 404
    assert forbidden.status_code == 403
    assert forbidden.headers["access-control-allow-origin"] == "*"
