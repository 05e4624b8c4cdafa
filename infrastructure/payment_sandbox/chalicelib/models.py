"""Request bodies and switches at the HTTP edge (pydantic), with camelCase names on the wire."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator
from pydantic.alias_generators import to_camel


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class CardDetails(_Wire):
    number: Annotated[str, Field(min_length=12, max_length=23)]
    exp_month: Annotated[StrictInt, Field(ge=1, le=12)]
    exp_year: Annotated[StrictInt, Field(ge=2000, le=2100)]
    cvc: Annotated[str, Field(pattern=r"^\d{3,4}$")]

    @field_validator("number")
    @classmethod
    def _digits_only(cls, value: str) -> str:
        return value.replace(" ", "").replace("-", "")


PaymentMethodId = Annotated[str, Field(pattern=r"^pm_[A-Za-z0-9]{1,64}$")]


class PaymentMethodRequest(_Wire):
    """Body of `POST /v1/payment_methods` (the client tokenizes a card with the publishable key)."""

    type: Literal["card"] = "card"
    card: CardDetails


class AuthorizationRequest(_Wire):
    """Body of `POST /v1/authorizations` (the merchant's server, secret key): a token, never a card."""

    amount: Annotated[StrictInt, Field(gt=0, le=99_999_999)]
    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
    payment_method: PaymentMethodId
    reference: Annotated[str, Field(min_length=1, max_length=255)]
    metadata: dict[str, str] | None = None

    @field_validator("currency")
    @classmethod
    def _lower_currency(cls, value: str) -> str:
        return value.lower()


class AmountRequest(_Wire):
    """Body of capture and refund: no amount means "all that is left"."""

    amount: Annotated[StrictInt, Field(gt=0)] | None = None


class EmptyRequest(_Wire):
    pass


class Switches(_Wire):
    """What `PUT /_sandbox/config` sets; every field is optional there (a merge, not a replace)."""

    latency_ms: Annotated[StrictInt, Field(ge=0, le=60_000)] = 0
    latency_jitter_ms: Annotated[StrictInt, Field(ge=0, le=60_000)] = 0
    error_rate: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    fail_next: Annotated[StrictInt, Field(ge=0)] = 0
    outage: StrictBool = False
    seed: StrictInt | None = None  # makes errorRate and jitter repeatable
    webhook_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] | None = None  # never file: or others
    webhook_secret: str | None = None
    webhook_max_attempts: Annotated[StrictInt, Field(ge=1, le=20)] = 5
    webhook_retry_delay_ms: Annotated[StrictInt, Field(ge=0, le=60_000)] = 500

    def public(self) -> dict[str, object]:
        shown = self.model_dump(by_alias=True)
        shown["webhookSecret"] = "***" if self.webhook_secret else None  # never echo a secret
        return shown
