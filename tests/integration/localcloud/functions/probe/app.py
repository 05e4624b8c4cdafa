"""Probe handlers for the local cloud's wiring tests: each saves what reached it in RecordsTable."""

import json
import os
import time
import uuid

import boto3

INSTANCE = uuid.uuid4().hex  # one per execution environment: tells cold from warm starts
INVOCATIONS = 0
records = boto3.resource("dynamodb").Table(os.environ["RECORDS_TABLE"])


def _save(kind, key, payload):
    records.update_item(
        Key={"id": f"{kind}#{key}"},
        UpdateExpression="SET payload = :p ADD attempts :one",
        ExpressionAttributeValues={":p": json.dumps(payload, default=str), ":one": 1},
    )


def items(event, context):
    """PUT/GET /items/{id} through the gateway: the item lives in ItemsTable; GET /private echoes claims."""
    if event.get("resource") == "/private":
        claims = (event["requestContext"].get("authorizer") or {}).get("claims", {})
        return {"statusCode": 200, "body": json.dumps({"sub": claims.get("sub")})}
    table = boto3.resource("dynamodb").Table(os.environ["ITEMS_TABLE"])
    item_id = event["pathParameters"]["id"]
    if event["httpMethod"] == "PUT":
        body = json.loads(event.get("body") or "{}")
        table.put_item(Item={"id": item_id, **body})
        return {"statusCode": 201, "body": json.dumps({"id": item_id})}
    found = table.get_item(Key={"id": item_id}).get("Item")
    if not found:
        return {"statusCode": 404, "body": json.dumps({"error": {"code": "NOT_FOUND"}})}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(found, default=str)}


def slow(event, context):
    params = event.get("queryStringParameters") or event
    seconds = float(params.get("seconds", 0.5))
    time.sleep(seconds)
    return {"statusCode": 200, "body": json.dumps({"slept": seconds})}


class OutOfStock(Exception):
    pass


def reserve(event, context):
    _save("reserve", event["orderId"], event)
    if event.get("quantity", 0) > 10:
        raise OutOfStock(f"only 10 left for {event['orderId']}")
    return {**event, "reserved": True}


def compensate(event, context):
    _save("compensate", event["orderId"], event)
    return {**event, "compensated": True}


def record(event, context):
    """EventBridge rule and schedule target: keeps the event as delivered."""
    key = (event.get("detail") or {}).get("key") or event.get("detail-type", "").replace(" ", "-")
    _save("event", key, event)


def fail(event, context):
    _save("failing", (event.get("detail") or {}).get("key"), event)
    raise RuntimeError("this target always fails")


def stream(event, context):
    """ItemsTable stream: ids starting with 'flaky' fail on their first delivery (partial batch response)."""
    failures = []
    for rec in event["Records"]:
        item_id = rec["dynamodb"]["Keys"]["id"]["S"]
        attempts = records.update_item(
            Key={"id": f"stream#{item_id}"}, UpdateExpression="ADD attempts :one SET origin = :s",
            ExpressionAttributeValues={":one": 1, ":s": rec["eventSourceARN"]}, ReturnValues="UPDATED_NEW",
        )["Attributes"]["attempts"]
        if item_id.startswith("flaky") and attempts == 1:
            failures.append({"itemIdentifier": rec["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}


def queue(event, context):
    """WorkQueue: bodies 'poison' always fail (they end in the DLQ), others are saved."""
    failures = []
    for rec in event["Records"]:
        if rec["body"] == "poison":
            failures.append({"itemIdentifier": rec["messageId"]})
        else:
            _save("queue", rec["body"], {"source": rec["eventSourceARN"]})
    return {"batchItemFailures": failures}


def env_writer(event, context):
    global INVOCATIONS
    INVOCATIONS += 1
    os.environ["LEAKED_BY_WRITER"] = "yes"
    return {"instance": INSTANCE, "invocations": INVOCATIONS, "onlyInWriter": os.environ.get("ONLY_IN_WRITER"),
            "function": context.function_name, "memory": context.memory_limit_in_mb,
            "remainingMs": context.get_remaining_time_in_millis(), "arn": context.invoked_function_arn,
            "requestId": context.aws_request_id, "greeting": os.environ.get("GREETING"),
            "cwd": os.getcwd(), "taskRoot": os.environ.get("LAMBDA_TASK_ROOT")}


def env_reader(event, context):
    return {"instance": INSTANCE, "invocations": INVOCATIONS, "env": sorted(os.environ)}


def whoami(event, context):
    """The identity the environment's credentials carry, and a read of the table named in the event."""
    identity = boto3.client("sts").get_caller_identity()
    answer = {"arn": identity["Arn"], "keyPrefix": os.environ["AWS_ACCESS_KEY_ID"][:4],
              "hasToken": bool(os.environ.get("AWS_SESSION_TOKEN"))}
    if event.get("table"):  # no except: a refusal fails the invocation, as it would in AWS
        boto3.client("dynamodb").get_item(TableName=event["table"], Key={"id": {"S": "x"}})
        answer["read"] = event["table"]
    return answer


def guarded(event, context):
    """One DynamoDB call named by the event; the refusal, if any, as boto3 raised it."""
    from botocore.exceptions import ClientError

    dynamodb = boto3.client("dynamodb")
    try:
        if event["call"] == "get":
            dynamodb.get_item(TableName=event["table"], Key={"id": {"S": "x"}})
        else:
            dynamodb.put_item(TableName=event["table"], Item={"id": {"S": "x"}})
    except ClientError as error:
        return {"code": error.response["Error"]["Code"], "message": error.response["Error"]["Message"]}
    return {"code": None}
