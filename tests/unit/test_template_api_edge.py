"""The API's edge in template.yaml agrees with the routes and the API document: a 405 mock on every
path listing exactly its methods, the gateway's own answers in the error shape, every answer documented."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import pytest
from localcloud.gateway.templates import error_context, render
from shop.apidoc import ShopErrorBody

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((ROOT / "functions" / "docs" / "openapi" / "openapi.json").read_text(encoding="utf-8"))
METHOD_ORDER = ("DELETE", "GET", "PATCH", "POST", "PUT")
# The answers of the gateway every operation can meet (UNAUTHORIZED only where an authorizer is).
GATEWAY_TYPES = {
    "UNAUTHORIZED": 401, "ACCESS_DENIED": 403, "INVALID_API_KEY": 403, "MISSING_AUTHENTICATION_TOKEN": 404,
    "REQUEST_TOO_LARGE": 413, "UNSUPPORTED_MEDIA_TYPE": 415, "THROTTLED": 429, "QUOTA_EXCEEDED": 429,
    "INTEGRATION_FAILURE": 502, "INTEGRATION_TIMEOUT": 504, "DEFAULT_4XX": None, "DEFAULT_5XX": None,
}


@cache
def template() -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    return yaml_parse((ROOT / "template.yaml").read_text(encoding="utf-8"))


def shop_api() -> dict[str, Any]:
    return template()["Resources"]["ShopApi"]["Properties"]


def api_events() -> list[dict[str, Any]]:
    events = []
    for resource in template()["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            events += [e["Properties"] for e in (resource["Properties"].get("Events") or {}).values() if e["Type"] == "Api"]
    return events


def routes() -> dict[str, list[str]]:
    """Each path of the API's events and its methods, in the order the 405 answers list them."""
    found: dict[str, set[str]] = {}
    for event in api_events():
        found.setdefault(event["Path"], set()).add(event["Method"].upper())
    return {path: [m for m in METHOD_ORDER if m in methods] for path, methods in found.items()}


def mock_for(path: str, allowed: list[str]) -> str:
    """The YAML to add under ShopApi's DefinitionBody paths for a new path."""
    body = json.dumps({"error": {"code": "METHOD_NOT_ALLOWED", "message": "$context.httpMethod is not allowed here",
                                 "details": {"allowed": allowed}}})
    return f"""
          {path}:
            x-amazon-apigateway-any-method:
              security: [{{NONE: []}}]
              responses: {{'405': {{description: Method not allowed, headers: {{Allow: {{schema: {{type: string}}}}}}}}}}
              x-amazon-apigateway-integration:
                type: mock
                passthroughBehavior: never
                requestTemplates: {{application/json: '{{"statusCode": 405}}'}}
                responses:
                  default:
                    statusCode: '405'
                    responseParameters: {{method.response.header.Allow: "'{', '.join(allowed)}'"}}
                    responseTemplates: {{application/json: '{body}'}}"""


def test_no_event_asks_for_any_method():
    # with MergeDefinitions SAM writes an ANY event as an "any" key, which API Gateway does not serve
    assert [e["Path"] for e in api_events() if e["Method"].upper() == "ANY"] == []


def test_every_path_has_a_405_mock_listing_exactly_its_methods():
    paths = shop_api()["DefinitionBody"]["paths"]
    missing = [mock_for(path, allowed) for path, allowed in sorted(routes().items()) if path not in paths]
    assert not missing, "add under ShopApi DefinitionBody paths in template.yaml:" + "".join(missing)
    assert sorted(paths) == sorted(routes()), "a 405 mock for a path no function serves"
    for path, allowed in routes().items():
        method = paths[path]["x-amazon-apigateway-any-method"]
        default = method["x-amazon-apigateway-integration"]["responses"]["default"]
        assert method["security"] == [{"NONE": []}], path  # 405 whoever asks, as the function itself would
        assert method["x-amazon-apigateway-integration"]["passthroughBehavior"] == "never", path
        assert default["statusCode"] == "405"
        assert default["responseParameters"] == {"method.response.header.Allow": f"'{', '.join(allowed)}'"}, (
            f"{path}: fix its mock to" + mock_for(path, allowed)
        )
        rendered = json.loads(render(default["responseTemplates"]["application/json"], {"httpMethod": "TRACE"}))
        assert rendered == {"error": {"code": "METHOD_NOT_ALLOWED", "message": "TRACE is not allowed here",
                                      "details": {"allowed": allowed}}}, path


@pytest.mark.parametrize("response_type", sorted(GATEWAY_TYPES))
def test_the_gateways_own_answers_are_in_the_error_shape(response_type: str):
    response = shop_api()["GatewayResponses"][response_type]
    assert response.get("StatusCode") == GATEWAY_TYPES[response_type]
    assert response["ResponseParameters"]["Headers"]["Access-Control-Allow-Origin"] == "'*'"  # browsers read it
    context = {"requestId": "r-1", **error_context('a "quoted" message', response_type)}
    body = json.loads(render(response["ResponseTemplates"]["application/json"], context))
    ShopErrorBody.model_validate(body)
    assert body["error"]["code"]


def test_every_documented_operation_is_a_route_of_the_template_with_the_same_authorizer():
    served = {(e["Path"], e["Method"].lower()): e for e in api_events()}
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            event = served.get((path, method))
            assert event is not None, f"{method.upper()} {path} is documented but no function serves it"
            public = (event.get("Auth") or {}).get("Authorizer") == "NONE"
            assert public == (not operation.get("security")), f"{method.upper()} {path}: authorizer and document differ"


def _operations():
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize(("name", "operation"), list(_operations()), ids=[name for name, _ in _operations()])
def test_every_operation_documents_its_success_and_every_answer_of_the_edge(name: str, operation: dict[str, Any]):
    responses = operation["responses"]
    successes = [status for status in responses if status.startswith("2")]
    assert successes, f"{name}: no success documented"
    for status in successes:
        if status != "204":
            assert responses[status]["content"]["application/json"].get("schema"), f"{name} {status}: no schema"
    expected = {"400", "413", "415", "422", "429", "500", "502", "503", "504"}
    if operation.get("security"):
        expected.add("401")
    assert expected <= set(responses), f"{name}: {sorted(expected - set(responses))} undocumented"
    for status, response in responses.items():
        if status >= "400" and (name, status) != ("GET /health", "503"):  # "degraded", with each check
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ShopErrorBody"}, f"{name} {status}"


def test_admin_operations_document_403_and_only_they_do():
    admin = {name for name, operation in _operations() if "403" in operation["responses"]}
    assert admin == {"POST /products", "PUT /products/{productId}", "DELETE /products/{productId}",
                     "PUT /inventory/{sku}", "POST /inventory/{sku}/restock", "PUT /inventory/{sku}/shards"}


def test_required_headers_are_declared():
    def header(path: str, method: str) -> dict[str, bool]:
        parameters = DOCUMENT["paths"][path][method].get("parameters", [])
        return {p["name"]: p["required"] for p in parameters if p["in"] == "header"}

    assert header("/checkout", "post") == {"idempotency-key": True}
    for path, method in [("/cart/anonymous", "get"), ("/cart/anonymous", "delete"),
                         ("/cart/anonymous/items/{sku}", "patch"), ("/cart/anonymous/items/{sku}", "delete")]:
        assert header(path, method) == {"x-cart-id": True}, (method, path)
    assert header("/cart/anonymous/items", "post") == {"x-cart-id": False}  # none starts a new cart


def _patterns(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(_patterns(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(value) for value in node))
    return set()


TRICKY = ["", " ", "\t", "\r", "\n", "\x0b", "\x1c", "\x85", "\xa0", "\u2028", "\u200b", "\ufeff", "\x00", "é", "😀"]


@pytest.mark.parametrize("pattern", sorted(_patterns(DOCUMENT)))
def test_the_functions_and_the_document_read_every_pattern_alike(pattern: str):
    """pydantic (the functions) and the JSON Schema validator the fuzzer trusts must agree on each pattern,
    or schema-valid requests get refused (and the reverse): spell classes out instead of \\s, \\S or `.`."""
    import jsonschema_rs
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from pydantic import StringConstraints, TypeAdapter, ValidationError

    schema_reads = jsonschema_rs.Draft202012Validator({"type": "string", "pattern": pattern}).is_valid
    function = TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)])

    def function_reads(text: str) -> bool:
        try:
            function.validate_python(text)
        except ValidationError:
            return False
        return True

    @settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern, fullmatch=True), st.sampled_from(TRICKY), st.integers(0, 2))
    def agree(example: str, tricky: str, where: int) -> None:
        probe = [tricky + example, example[: len(example) // 2] + tricky + example[len(example) // 2:], example + tricky][where]
        assert schema_reads(probe) == function_reads(probe), f"{pattern!r} reads {probe!r} differently"

    agree()
