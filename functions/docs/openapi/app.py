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

from shop.http import cacheable, create_app, etag_of
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


@functools.cache
def document() -> tuple[dict[str, Any], str]:
    """The parsed document and its ETag (read once per execution environment)."""
    return json.loads(document_text()), etag_of(document_text())


@app.get("/openapi.json", include_in_schema=False)
def openapi_document():
    body, etag = document()
    return cacheable(app, body, max_age=MAX_AGE, etag=etag)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
