"""GET /config: the settings a client needs and may know, so that no storefront or app hard-codes them.

Everything here is public by nature (it is sent to every browser): where to tokenize a card and the
publishable key to do it with, and the catalog's categories (the storefront's menu). Secrets never
come through here; the processor's secret key stays in Secrets Manager and is read only by the
payment functions.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from shop.catalog.models import CATEGORIES
from shop.config import require_env


class PaymentsConfig(BaseModel):
    tokenizeUrl: str = Field(description="POST the card here, straight from the client: "
                                         '{"card": {"number", "expMonth", "expYear", "cvc"}} -> {"id": "pm_...", ...}')
    publishableKey: str = Field(description="Send as `Authorization: Bearer <publishableKey>` to tokenizeUrl; "
                                            "it can only tokenize")


class CatalogConfig(BaseModel):
    categories: list[str] = Field(description="The values GET /products?category= takes, in menu order")


class ClientConfig(BaseModel):
    """Public client settings; then `POST /checkout {"paymentMethodId": "pm_..."}`."""

    payments: PaymentsConfig
    catalog: CatalogConfig


def client_config_from_env() -> ClientConfig:
    """The settings as the template gives them (PAYMENT_TOKENIZE_URL, PAYMENT_PUBLISHABLE_KEY)."""
    return ClientConfig(payments=PaymentsConfig(tokenizeUrl=require_env("PAYMENT_TOKENIZE_URL"),
                                                publishableKey=require_env("PAYMENT_PUBLISHABLE_KEY")),
                        catalog=CatalogConfig(categories=list(CATEGORIES)))
