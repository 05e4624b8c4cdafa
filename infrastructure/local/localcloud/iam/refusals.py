"""Refusals shaped as each AWS service sends them, so that boto3 raises the ClientError it raises
against AWS: AccessDeniedException for the JSON and REST-JSON services (DynamoDB, Step Functions,
EventBridge, Secrets Manager, SSM, Cognito, Lambda), AccessDenied for the query and XML ones (SES,
STS, IAM, S3) and for SQS (its JSON protocol keeps the query error code), AuthorizationError for SNS."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape

from localcloud.iam.wire import Call


@dataclass(frozen=True)
class Refusal:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def denied_message(caller_arn: str, action: str, resource: str, because: str) -> str:
    return f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} {because}"


def access_denied(call: Call, message: str) -> Refusal:
    return _refusal(call, message, json_code="AccessDeniedException", query_code="AccessDenied", status=403)


def invalid_token(call: Call) -> Refusal:
    message = "The security token included in the request is invalid."
    return _refusal(call, message, json_code="UnrecognizedClientException", query_code="InvalidClientTokenId",
                    status=403)


def _refusal(call: Call, message: str, *, json_code: str, query_code: str, status: int) -> Refusal:
    request_id = str(uuid.uuid4())
    if call.protocol == "json":
        headers = [("Content-Type", f"application/x-amz-json-{call.json_version}"), ("x-amzn-RequestId", request_id)]
        if call.service == "sqs":  # awsQueryCompatible: botocore takes the code from this header
            headers.append(("x-amzn-query-error", f"{query_code};Sender"))
        body = json.dumps({"__type": f"com.amazon.coral.service#{json_code}", "message": message}).encode()
        return Refusal("400 Bad Request", headers, body)
    if call.protocol == "rest-json":
        headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id),
                   ("x-amzn-ErrorType", json_code)]
        return Refusal(f"{status} Forbidden", headers, json.dumps({"Type": "User", "Message": message}).encode())
    code = "AuthorizationError" if call.service == "sns" and json_code == "AccessDeniedException" else query_code
    if call.protocol == "rest-xml":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{escape(message)}"
                f"</Message><RequestId>{request_id}</RequestId></Error>")
    else:
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{escape(message)}</Message>"
                f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>")
    return Refusal(f"{status} Forbidden", [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body.encode())
