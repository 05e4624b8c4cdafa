"""GET /openapi.json: the ONE API document of every function; GET /docs: Swagger UI over it (public).

The document is generated at build time from the handlers' resolvers and models
(`python -m scripts.openapi --write functions/docs/openapi/openapi.json`; a test fails when it is
stale) and shipped beside this file, so a cold start reads a file instead of importing every function.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi import swagger_ui
from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html
from shop.http import cacheable, create_app, etag_of
from shop.observability import instrument

DOCUMENT_PATH = Path(__file__).with_name("openapi.json")
# Powertools ships Swagger UI's bundle beside its swagger_ui module (what enable_swagger inlines).
SWAGGER_ASSETS = Path(swagger_ui.__file__).parent
MAX_AGE = 300

app = create_app()


@functools.cache
def document_text() -> str:
    return DOCUMENT_PATH.read_text(encoding="utf-8")


@functools.cache
def document() -> tuple[dict[str, Any], str]:
    """The parsed document and its ETag (read once per execution environment)."""
    return json.loads(document_text()), etag_of(document_text())


@functools.cache
def swagger_page() -> str:
    # Powertools lacks a public way to give enable_swagger() a document: it would show this function's routes
    return generate_swagger_html(
        spec=document_text().replace("</", "<\\/"),  # the JSON sits in a <script>
        swagger_js=(SWAGGER_ASSETS / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        swagger_css=(SWAGGER_ASSETS / "swagger-ui.min.css").read_text(encoding="utf-8"),
        swagger_base_url="",
        oauth2_config=None,
    )


@app.get("/openapi.json", include_in_schema=False)
def openapi_document():
    body, etag = document()
    return cacheable(app, body, max_age=MAX_AGE, etag=etag)


@app.get("/docs", include_in_schema=False)
def swagger_ui_page():
    return Response(status_code=200, content_type="text/html", body=swagger_page(),
                    headers={"Cache-Control": f"public, max-age={MAX_AGE}"})


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
