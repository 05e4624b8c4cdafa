"""The operations console's data routes on the wiring stack: executions folded per state, the bus's
event log, dead-letter queues, per-function percentiles, one order everywhere."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from typing import Any

import pytest


def get(wiring: Any, path: str) -> Any:
    status, body = wiring.control("GET", path)
    assert status == 200, body
    return body


def run_saga(wiring: Any, order: dict[str, Any]) -> None:
    sfn = wiring.client("stepfunctions")
    arn = sfn.start_execution(stateMachineArn=wiring.outputs["SagaArn"], name=order["orderId"],
                              input=json.dumps(order))["executionArn"]
    deadline = time.monotonic() + 30
    while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the saga did not finish"
        time.sleep(0.05)


def test_an_execution_shows_each_state_with_its_outcome_and_the_path_taken(wiring: Any) -> None:
    order_id = f"console-{uuid.uuid4().hex[:6]}"
    run_saga(wiring, {"orderId": order_id, "quantity": 50})  # out of stock: caught, compensated, failed

    listed = get(wiring, "executions?limit=100")["items"]
    assert any(e["name"] == order_id and e["status"] == "FAILED" for e in listed)
    detail = get(wiring, f"executions/{order_id}")
    assert detail["execution"]["status"] == "FAILED" and detail["execution"]["durationMs"] >= 0
    assert detail["stateMachine"]["definition"]["StartAt"] == "Reserve"
    assert detail["path"] == ["Reserve", "Compensate", "Failed"]
    assert detail["transitions"] == [["Reserve", "Compensate"], ["Compensate", "Failed"]]
    states = detail["states"]
    assert states["Reserve"]["status"] == "caught" and states["Reserve"]["error"] == "OutOfStock"
    assert states["Compensate"]["status"] == "succeeded" and states["Compensate"]["attempts"] == 1
    assert states["Failed"]["status"] == "failed" and "Done" not in states
    assert detail["error"]["error"] == "OrderFailed"


def test_an_unknown_execution_is_a_404(wiring: Any) -> None:
    assert wiring.control("GET", "executions/no-such-order")[0] == 404


def test_the_event_log_keeps_what_went_on_the_bus_and_the_rules_it_matched(wiring: Any) -> None:
    key = uuid.uuid4().hex
    wiring.client("events").put_events(Entries=[
        {"Source": "wiring.test", "DetailType": "Ping", "Detail": json.dumps({"key": key, "data": {"orderId": key}}),
         "EventBusName": wiring.outputs["BusName"]},
        {"Source": "wiring.test", "DetailType": "Unrouted", "Detail": json.dumps({"orderId": key}),
         "EventBusName": wiring.outputs["BusName"]},
    ])
    wiring.drain()
    found = get(wiring, f"events?orderId={key}")["items"]
    assert [e["detailType"] for e in found] == ["Unrouted", "Ping"]  # newest first
    ping = found[1]
    assert ping["detail"]["key"] == key and ping["bus"] == wiring.outputs["BusName"] and ping["source"] == "wiring.test"
    assert len(ping["rules"]) == 1 and found[0]["rules"] == []
    after = get(wiring, f"events?orderId={key}&after={ping['seq']}")["items"]
    assert [e["detailType"] for e in after] == ["Unrouted"]
    assert get(wiring, f"events?orderId={key}&type=Ping")["items"][0]["id"] == ping["id"]


def test_dead_letter_queues_list_what_feeds_them_and_show_their_messages(wiring: Any) -> None:
    queues = {q["logicalId"]: q for q in get(wiring, "dlqs")["items"]}
    assert {"EventsDLQ", "WorkDLQ", "AsyncFailDLQ"} <= set(queues)
    assert "WorkQueue" in queues["WorkDLQ"]["feeds"] and "AsyncFailFunction" in queues["AsyncFailDLQ"]["feeds"]
    assert "ItemsTable" not in queues
    sqs = wiring.client("sqs")
    url = sqs.get_queue_url(QueueName=queues["WorkDLQ"]["name"])["QueueUrl"]
    body = {"poison": uuid.uuid4().hex}
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))
    try:
        depth = {q["logicalId"]: q["messages"] for q in get(wiring, "dlqs")["items"]}
        assert depth["WorkDLQ"] >= 1
        assert body in [m["body"] for m in get(wiring, "dlqs/WorkDLQ/messages")["items"]]
        assert body in [m["body"] for m in get(wiring, "dlqs/WorkDLQ/messages")["items"]]  # still there: only looked at
        assert wiring.control("GET", "dlqs/ItemsTable/messages")[0] == 404
    finally:  # the wiring tests read this queue: leave it as it was
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=1).get("Messages", []):
            if message["Body"] == json.dumps(body):
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_functions_report_p50_and_p99_of_their_latest_invocations(wiring: Any) -> None:
    lam = wiring.client("lambda")
    name = next(n for n in wiring.functions() if n.endswith("EnvReaderFunction"))
    for _ in range(3):
        lam.invoke(FunctionName=name, Payload=b"{}")
    durations = wiring.functions()[name]["durationMs"]
    assert durations["samples"] >= 3 and 0 < durations["p50"] <= durations["p99"]


def test_one_order_everywhere_joins_its_execution_and_events(wiring: Any) -> None:
    order_id = f"trace-{uuid.uuid4().hex[:6]}"
    run_saga(wiring, {"orderId": order_id, "quantity": 1})
    wiring.client("events").put_events(Entries=[{"Source": "wiring.test", "DetailType": "Unrouted",
                                                 "Detail": json.dumps({"data": {"orderId": order_id}}),
                                                 "EventBusName": wiring.outputs["BusName"]}])
    trace = get(wiring, f"orders/{order_id}")
    assert trace["execution"]["execution"]["status"] == "SUCCEEDED"
    assert trace["execution"]["states"]["Done"]["status"] == "succeeded"
    assert [e["detailType"] for e in trace["events"]] == ["Unrouted"] and trace["emails"] == []
    assert get(wiring, "breakers")["items"] == []  # the wiring stack names no shared breaker


@pytest.mark.parametrize("path", ["console", "console/"])
def test_the_console_page_is_served_next_to_the_control_api(wiring: Any, path: str) -> None:
    request = urllib.request.Request(f"{wiring.aws_url}/_localcloud/{path}")
    with urllib.request.urlopen(request, timeout=10) as answer:  # follows the redirect to console/
        assert answer.status == 200 and answer.url.endswith("/_localcloud/console/")
        assert b'<div id="root">' in answer.read()
    assert wiring.health["consoleUrl"] == f"{wiring.aws_url}/_localcloud/console/"
