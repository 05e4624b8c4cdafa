"""The API document and Swagger UI, served publicly through the local API Gateway."""

from __future__ import annotations

from typing import Any

import httpx


def test_openapi_document_is_public_and_lists_the_routes(local_cloud: Any):
    response = httpx.get(f"{local_cloud.api_url}/openapi.json", timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["openapi"].startswith("3.")
    for path in (
        "/auth/signup",
        "/auth/login",
        "/auth/refresh",
        "/me",
        "/products",
        "/products/search",
        "/products/{productId}",
    ):
        assert path in document["paths"], path
    assert "CognitoAuthorizer" in document["components"]["securitySchemes"]
    again = httpx.get(
        f"{local_cloud.api_url}/openapi.json", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


def test_swagger_ui_shows_the_same_document(local_cloud: Any):
    response = httpx.get(f"{local_cloud.api_url}/docs", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "SwaggerUIBundle" in response.text and "/products/search" in response.text
