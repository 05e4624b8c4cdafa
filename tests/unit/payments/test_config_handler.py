"""GET /config through its Lambda handler: public, cacheable, and exactly what a client may know
(where and with which key to tokenize a card; the catalog's categories for the storefront's menu)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from shop.catalog.models import CATEGORIES

ROOT = Path(__file__).resolve().parents[3]


def get_event(headers: dict[str, str] | None = None) -> dict[str, Any]:
    headers = headers or {}
    return {
        "resource": "/config", "path": "/config", "httpMethod": "GET", "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
        "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
        "requestContext": {"requestId": "r1", "stage": "dev", "httpMethod": "GET", "path": "/config",
                           "resourcePath": "/config"},
        "body": None, "isBase64Encoded": False,
    }


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PAYMENT_TOKENIZE_URL", "http://127.0.0.1:8090/v1/payment_methods")
    monkeypatch.setenv("PAYMENT_PUBLISHABLE_KEY", "pk_test_local")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "config")
    spec = importlib.util.spec_from_file_location("config_get_app", ROOT / "functions/config/get/app.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["config_get_app"] = module
    spec.loader.exec_module(module)
    return lambda event: module.app.resolve(event, None)


def test_config_tells_a_client_where_and_with_which_key_to_tokenize(handler: Any):
    answer = handler(get_event())
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {
        "payments": {"tokenizeUrl": "http://127.0.0.1:8090/v1/payment_methods", "publishableKey": "pk_test_local"},
        "catalog": {"categories": list(CATEGORIES)},
    }
    headers = {k.lower(): v for k, v in answer["multiValueHeaders"].items()}
    assert headers["cache-control"] == ["public, max-age=300"] and headers["etag"][0].startswith('"')


def test_a_client_with_the_current_etag_gets_a_304(handler: Any):
    etag = {k.lower(): v for k, v in handler(get_event())["multiValueHeaders"].items()}["etag"][0]
    again = handler(get_event({"If-None-Match": etag}))
    assert again["statusCode"] == 304 and not again["body"]
