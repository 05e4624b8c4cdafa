"""GET /config (public, cacheable): what a client needs to know, e.g. where and with which key to tokenize
a card, so that it can check out with {"paymentMethodId": "pm_..."}."""

from __future__ import annotations

from typing import Any

from shop.apidoc import cacheable_ok
from shop.client_config import ClientConfig, client_config_from_env
from shop.http import cacheable, create_app
from shop.observability import instrument

app = create_app()
config = client_config_from_env().model_dump()  # fixed for the life of a deployment: built once

MAX_AGE = 300


@app.get(
    "/config",
    summary="Public client settings",
    tags=["config"],
    operation_id="getConfig",
    responses=cacheable_ok("The settings (ETag, Cache-Control)", ClientConfig),
)
def get_config():  # no return annotation: see json_response
    return cacheable(app, config, max_age=MAX_AGE)


@instrument
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
