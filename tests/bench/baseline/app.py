"""The cold-start baseline: a handler that imports only boto3 and the Powertools Logger."""

from typing import Any

import boto3  # noqa: F401 - the import cost is what this baseline measures
from aws_lambda_powertools import Logger

logger = Logger(service="bench-baseline")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    logger.debug("baseline invoked")
    return {"statusCode": 200, "body": "{}"}
