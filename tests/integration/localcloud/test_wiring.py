"""Every trigger kind of the local cloud, end to end, on the wiring stack (wiring.yaml)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


def invoke(wiring: Any, logical_id: str, payload: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    response = wiring.client("lambda", config=NO_RETRIES).invoke(
        FunctionName=f"wiring-{logical_id}", Payload=json.dumps(payload).encode()
    )
    return json.loads(response["Payload"].read()), response.get("FunctionError")


def saved(wiring: Any, key: str) -> dict[str, Any] | None:
    table = wiring.resource("dynamodb").Table(wiring.outputs["RecordsTable"])
    return table.get_item(Key={"id": key}, ConsistentRead=True).get("Item")


def wait_for(check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout} s: {check}")


def test_http_request_reaches_function_and_dynamodb(wiring: Any) -> None:
    created = httpx.put(f"{wiring.api_url}/items/apple", json={"colour": "red"})
    assert created.status_code == 201
    fetched = httpx.get(f"{wiring.api_url}/items/apple")
    assert fetched.status_code == 200 and fetched.json() == {"id": "apple", "colour": "red"}
    table = wiring.resource("dynamodb").Table(wiring.outputs["ItemsTable"])
    assert table.get_item(Key={"id": "apple"})["Item"]["colour"] == "red"
    assert httpx.get(f"{wiring.api_url}/items/pear").status_code == 404


def test_missing_and_forged_jwts_are_refused_and_a_real_one_passes(wiring: Any) -> None:
    assert httpx.get(f"{wiring.api_url}/private").status_code == 401
    forged = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJtYWxsb3J5In0."
    assert httpx.get(f"{wiring.api_url}/private", headers={"Authorization": f"Bearer {forged}"}).status_code == 401

    cognito = wiring.client("cognito-idp")
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    cognito.sign_up(ClientId=wiring.user_pool_client_id, Username=email, Password="Passw0rd!x")
    cognito.admin_confirm_sign_up(UserPoolId=wiring.user_pool_id, Username=email)
    tokens = cognito.initiate_auth(ClientId=wiring.user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": email, "PASSWORD": "Passw0rd!x"})["AuthenticationResult"]
    response = httpx.get(f"{wiring.api_url}/private", headers={"Authorization": f"Bearer {tokens['IdToken']}"})
    assert response.status_code == 200 and response.json()["sub"]


def _run_saga(wiring: Any, order: dict[str, Any]) -> dict[str, Any]:
    sfn = wiring.client("stepfunctions")
    arn = sfn.start_execution(stateMachineArn=wiring.outputs["SagaArn"], name=order["orderId"],
                              input=json.dumps(order))["executionArn"]
    return wait_for(lambda: (d := sfn.describe_execution(executionArn=arn))["status"] != "RUNNING" and d, 20)


def test_state_machine_lambda_task_succeeds(wiring: Any) -> None:
    execution = _run_saga(wiring, {"orderId": f"ok-{uuid.uuid4().hex[:6]}", "quantity": 2})
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"])["reserved"] is True


def test_state_machine_catches_the_error_type_and_compensates(wiring: Any) -> None:
    order_id = f"big-{uuid.uuid4().hex[:6]}"
    execution = _run_saga(wiring, {"orderId": order_id, "quantity": 50})
    assert execution["status"] == "FAILED"
    assert execution.get("error") == "OrderFailed"
    compensation = json.loads(saved(wiring, f"compensate#{order_id}")["payload"])
    assert compensation["error"]["Error"] == "OutOfStock"


def test_eventbridge_event_reaches_lambda_target_in_eventbridge_shape(wiring: Any) -> None:
    events = wiring.client("events")
    events.put_events(Entries=[{"Source": "wiring.test", "DetailType": "Ping", "Detail": json.dumps({"key": "ping-1"}),
                                "EventBusName": wiring.outputs["BusName"]}])
    wiring.drain()
    event = json.loads(saved(wiring, "event#ping-1")["payload"])
    account = wiring.client("sts").get_caller_identity()["Account"]
    assert {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"} <= set(event)
    assert event["detail"] == {"key": "ping-1"} and event["detail-type"] == "Ping" and event["account"] == account
    assert event["time"].endswith("Z") and event["region"] == wiring.region


def test_failing_eventbridge_target_is_retried_then_sent_to_its_dlq(wiring: Any) -> None:
    events = wiring.client("events")
    events.put_events(Entries=[{"Source": "wiring.test", "DetailType": "Doomed",
                                "Detail": json.dumps({"key": "doomed-1"}), "EventBusName": wiring.outputs["BusName"]}])
    wiring.drain()
    assert saved(wiring, "failing#doomed-1")["attempts"] == 3  # the first try and MaximumRetryAttempts: 2
    messages = wiring.client("sqs").receive_message(QueueUrl=wiring.outputs["EventsDLQUrl"], WaitTimeSeconds=1,
                                                    MessageAttributeNames=["All"])["Messages"]
    assert json.loads(messages[0]["Body"])["detail"] == {"key": "doomed-1"}
    assert messages[0]["MessageAttributes"]["RETRY_ATTEMPTS"]["StringValue"] == "2"


def test_failing_async_invocation_is_retried_twice_then_sent_to_the_function_dlq(wiring: Any) -> None:
    lam = wiring.client("lambda")
    answer = lam.invoke(FunctionName="wiring-AsyncFailFunction", InvocationType="Event",
                        Payload=json.dumps({"detail": {"key": "async-1"}}).encode())
    assert answer["StatusCode"] == 202
    wiring.drain()
    assert saved(wiring, "failing#async-1")["attempts"] == 3  # Lambda's async queue: 1 + 2 retries
    messages = wiring.client("sqs").receive_message(QueueUrl=wiring.outputs["AsyncFailDLQUrl"], WaitTimeSeconds=1,
                                                    MessageAttributeNames=["All"])["Messages"]
    assert json.loads(messages[0]["Body"]) == {"detail": {"key": "async-1"}}


def test_dynamodb_stream_partial_batch_failure_retries_from_the_failed_record(wiring: Any) -> None:
    dynamodb = wiring.client("dynamodb")
    table = wiring.outputs["ItemsTable"]
    tag = uuid.uuid4().hex[:6]
    dynamodb.batch_write_item(RequestItems={table: [
        {"PutRequest": {"Item": {"id": {"S": item_id}}}} for item_id in (f"s1-{tag}", f"flaky-{tag}", f"s2-{tag}")
    ]})
    wiring.drain()
    assert saved(wiring, f"stream#s1-{tag}")["attempts"] == 1
    flaky = saved(wiring, f"stream#flaky-{tag}")
    assert flaky["attempts"] == 2
    assert flaky["origin"] == dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    assert saved(wiring, f"stream#s2-{tag}")["attempts"] >= 1


def test_sqs_messages_reach_their_function_and_a_poison_message_ends_in_the_dlq(wiring: Any) -> None:
    sqs = wiring.client("sqs")
    sqs.send_message(QueueUrl=wiring.outputs["WorkQueueUrl"], MessageBody="job-1")
    sqs.send_message(QueueUrl=wiring.outputs["WorkQueueUrl"], MessageBody="poison")
    wiring.drain()
    assert json.loads(saved(wiring, "queue#job-1")["payload"])["source"].endswith(":wiring-WorkQueue")

    def dead_letters() -> list[dict[str, Any]]:
        return sqs.receive_message(QueueUrl=wiring.outputs["WorkDLQUrl"], WaitTimeSeconds=1).get("Messages", [])

    assert wait_for(dead_letters, 15)[0]["Body"] == "poison"


def test_timeout_kills_the_invocation_with_sandbox_timedout(wiring: Any) -> None:
    payload, function_error = invoke(wiring, "SlowFunction", {"seconds": 3})
    assert function_error
    assert payload["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in payload["errorMessage"]


def test_reserved_concurrency_throttles_at_the_api_and_on_invoke(wiring: Any) -> None:
    first: dict[str, int] = {}
    busy = threading.Thread(target=lambda: first.update(
        status=httpx.get(f"{wiring.api_url}/slow", params={"seconds": "3"}, timeout=15).status_code))
    busy.start()
    time.sleep(0.5)  # the first request holds the only reserved environment (for 3 s: loaded machines too)
    assert httpx.get(f"{wiring.api_url}/slow", params={"seconds": "0"}).status_code == 429
    with pytest.raises(ClientError) as refused:
        invoke(wiring, "HeldFunction", {"seconds": 0})
    assert refused.value.response["Error"]["Code"] == "TooManyRequestsException"
    busy.join()
    assert first["status"] == 200


def test_environment_and_module_state_do_not_leak_between_functions(wiring: Any) -> None:
    writer, _ = invoke(wiring, "EnvWriterFunction", {})
    reader, _ = invoke(wiring, "EnvReaderFunction", {})
    assert writer["onlyInWriter"] == "writer-secret" and writer["greeting"] == "bonjour"
    assert "ONLY_IN_WRITER" not in reader["env"] and "LEAKED_BY_WRITER" not in reader["env"]
    assert reader["invocations"] == 0 and reader["instance"] != writer["instance"]
    assert "PYTHONPATH" not in reader["env"] and "AWS_ENDPOINT_URL" in reader["env"]
    assert writer["function"] == "wiring-EnvWriterFunction" and writer["memory"] == 512
    assert 0 < writer["remainingMs"] <= 10_000 and writer["arn"].endswith(":function:wiring-EnvWriterFunction")
    assert writer["cwd"] == writer["taskRoot"]


def test_first_invocation_is_a_cold_start_and_the_next_one_is_warm(wiring: Any) -> None:
    first, _ = invoke(wiring, "EnvWriterFunction", {})
    second, _ = invoke(wiring, "EnvWriterFunction", {})
    assert second["instance"] == first["instance"] and second["invocations"] == first["invocations"] + 1
    counters = wiring.functions()["wiring-EnvWriterFunction"]["counters"]
    assert counters["cold_starts"] == 1 and counters["invocations"] >= 2 and counters["init_ms"] > 0


def test_schedule_fired_on_demand_delivers_a_scheduled_event(wiring: Any) -> None:
    wiring.run_schedule("wiring-nightly")
    wiring.drain()
    event = json.loads(saved(wiring, "event#Scheduled-Event")["payload"])
    assert event["source"] == "aws.events" and event["resources"][0].endswith(":rule/wiring-nightly")


def test_control_api_reports_health_and_unknown_schedules(wiring: Any) -> None:
    status, health = wiring.control("GET", "health")
    assert status == 200 and "wiring-StreamFunction" in health["functions"] and not health["failed"]
    assert wiring.control("POST", "schedules/no-such-rule/run")[0] == 404
    assert "ExtraQueueUrl" not in wiring.outputs  # its Condition is false with WithExtras=false
