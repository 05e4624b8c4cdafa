"""GET /openapi.json: the ONE API document of every function; GET /docs: Swagger UI over it (public).

The document is generated at build time from the handlers' resolvers and models
(`python -m scripts.openapi --write functions/docs/openapi/openapi.json`; a test fails when it is
stale) and shipped beside this file, so a cold start reads a file instead of importing every function.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response
from shop.http import create_app, etag_of
from shop.observability import instrument

DOCUMENT_PATH = Path(__file__).with_name("openapi.json")
MAX_AGE = 300

app = create_app()


@functools.cache
def document_text() -> str:
    return DOCUMENT_PATH.read_text(encoding="utf-8")


class _ShippedDocument:
    """Stands in for OpenAPIMerge in `enable_swagger`, which shows a merged document when one is set."""

    def get_openapi_json_schema(self) -> str:
        return document_text()


app._openapi_merge = _ShippedDocument()  # type: ignore[attr-defined]
app.enable_swagger(path="/docs", title="Serverless Shop API")


@app.get("/openapi.json", include_in_schema=False)
def openapi_document():
    text = document_text()
    headers = {"Cache-Control": f"public, max-age={MAX_AGE}", "ETag": etag_of(text)}
    return Response(status_code=200, content_type="application/json", body=text, headers=headers)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
