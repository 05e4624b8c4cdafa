"""The saga's definition: timeouts everywhere, transient-only retries with jitter, business errors caught,
and every substitution provided by template.yaml."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ASL = json.loads((ROOT / "state_machines" / "checkout.asl.json").read_text())
TASKS = {name: state for name, state in ASL["States"].items() if state["Type"] == "Task"}
BUSINESS_ERRORS = {"OutOfStock", "PaymentDeclined", "CircuitOpenError", "OrderCancelledError"}


def test_the_machine_and_every_task_have_a_timeout():
    assert ASL["TimeoutSeconds"] <= 300  # Express executions end at 5 minutes
    assert all(0 < state["TimeoutSeconds"] <= 60 for state in TASKS.values())


def test_retries_name_transient_errors_only_and_use_full_jitter():
    for name, state in TASKS.items():
        for retrier in state["Retry"]:
            assert "States.ALL" not in retrier["ErrorEquals"], name
            assert not BUSINESS_ERRORS - {"CircuitOpenError"} & set(retrier["ErrorEquals"]), name
            assert retrier["JitterStrategy"] == "FULL" and retrier["BackoffRate"] > 1


def test_forward_steps_catch_into_the_compensations_in_reverse_order():
    assert ASL["States"]["ReserveInventory"]["Catch"][0]["ErrorEquals"][0] == "OutOfStock"
    assert TASKS["AuthorizePayment"]["Catch"][0]["Next"] == "VoidPayment"
    assert TASKS["CapturePayment"]["Catch"][0]["Next"] == "RefundPayment"
    assert TASKS["ConfirmOrder"]["Catch"][0]["Next"] == "RefundPayment"
    assert TASKS["RefundPayment"]["Next"] == "ReleaseInventory" and TASKS["VoidPayment"]["Next"] == "ReleaseInventory"
    assert TASKS["ReleaseInventory"]["Next"] == "FailOrder"
    assert ASL["States"][TASKS["FailOrder"]["Next"]]["Type"] == "Fail"


def test_only_the_card_token_reaches_the_authorize_step_and_it_leaves_the_state_once_authorized():
    assert TASKS["AuthorizePayment"]["Parameters"]["Payload"] == {
        "orderId.$": "$.orderId", "paymentMethodId.$": "$.payment.paymentMethodId", "correlationId.$": "$.correlationId"}
    assert TASKS["AuthorizePayment"]["ResultPath"] == "$.payment"


def test_tasks_use_the_optimized_lambda_integration_so_throttles_are_named():
    # A throttled invoke is then "Lambda.TooManyRequestsException" (retried), not a generic error.
    assert all(state["Resource"] == "arn:aws:states:::lambda:invoke" for state in TASKS.values())
    assert all(state.get("ResultSelector", {"value.$": "$.Payload"}) == {"value.$": "$.Payload"}
               for state in TASKS.values())


def test_every_substitution_is_provided_by_the_template():
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse((ROOT / "template.yaml").read_text())
    machine = template["Resources"]["CheckoutStateMachine"]["Properties"]
    used = set(re.findall(r"\$\{(\w+)\}", json.dumps(ASL)))
    assert used == set(machine["DefinitionSubstitutions"])
    assert machine["DefinitionUri"] == "state_machines/checkout.asl.json"
    assert machine["Type"] == {"Ref": "SagaType"}
