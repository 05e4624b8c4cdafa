"""Secrets kept in AWS Secrets Manager, read with Powertools Parameters.

    processor_key = Secret("PAYMENT_PROVIDER_SECRET_ARN")
    processor_key.value()              # cached in this execution environment
    processor_key.value(refresh=True)  # the processor refused it: read the current version now

A function's environment names the secret (its ARN), never holds its value. Powertools caches the
value per execution environment and reads it again once it is older than POWERTOOLS_PARAMETERS_MAX_AGE
seconds (Powertools' own setting, 300 by default; the template sets it), so a rotated secret takes
effect without a deploy. A secret with no value yet (a production stage whose operator has not put
it) is `SecretNotAvailable`: the caller fails closed, nothing falls back to a default.
"""

from __future__ import annotations

from shop.config import require_env
from shop.errors import ServiceUnavailable


class SecretNotAvailable(ServiceUnavailable):
    """The secret cannot be read (no value put yet, no permission, Secrets Manager unreachable)."""

    code = "SECRET_NOT_AVAILABLE"


class Secret:
    """One secret, named by the environment variable that holds its ARN."""

    def __init__(self, arn_variable: str) -> None:
        self.arn_variable = arn_variable

    def value(self, *, refresh: bool = False) -> str:
        from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415 - only where a secret is read

        secret_id = require_env(self.arn_variable)
        try:
            value = parameters.get_secret(secret_id, force_fetch=refresh)
        except (parameters.exceptions.GetParameterError, parameters.exceptions.TransformParameterError) as err:
            # The error names the secret and the reason (e.g. no AWSCURRENT version), never a value.
            raise SecretNotAvailable(f"secret {self.arn_variable} cannot be read: {err}") from None
        text = value.decode() if isinstance(value, bytes) else str(value or "")
        if not text:
            raise SecretNotAvailable(f"secret {self.arn_variable} is empty")
        return text


class StaticSecret:
    """A fixed value behind the same interface (tests, and tools that were handed the value)."""

    def __init__(self, value: str) -> None:
        self._value = value

    def value(self, *, refresh: bool = False) -> str:
        return self._value
