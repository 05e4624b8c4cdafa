"""The local cloud refuses what AWS would: template.yaml with one permission removed
(CheckoutStartFunction's StepFunctionsExecutionPolicy), the checkout fails as it would in AWS,
with the AWS-shaped refusal in the function's log and the project's error body from the API."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from checkout_support import OVERRIDES, Shop

ROOT = Path(__file__).resolve().parents[2]
STACK = "shop-iam-e2e"
REMOVED = "        - StepFunctionsExecutionPolicy: {StateMachineName: !GetAtt CheckoutStateMachine.Name}\n"


def template_without(tmp: Path, line: str) -> Path:
    """template.yaml minus `line`, beside links to the code it names (CodeUri and the rest are relative)."""
    text = (ROOT / "template.yaml").read_text()
    assert text.count(line) == 1, f"the template no longer has exactly one {line.strip()!r}"
    for folder in ("functions", "layers", "state_machines", "infrastructure"):
        (tmp / folder).symlink_to(ROOT / folder, target_is_directory=True)
    variant = tmp / "template.yaml"
    variant.write_text(text.replace(line, ""))
    return variant


@pytest.fixture(scope="module")
def shop_without_start_permission(start_local_cloud: Any, tmp_path_factory: pytest.TempPathFactory) -> Shop:
    template = template_without(tmp_path_factory.mktemp("iam-template"), REMOVED)
    return Shop(start_local_cloud(template, OVERRIDES, stack_name=STACK))


def test_checkout_without_the_state_machine_permission_fails_with_accessdenied(
        shop_without_start_permission: Shop) -> None:
    shop = shop_without_start_permission
    buyer = shop.sign_up("iam")
    sku = shop.product(stock=5)
    shop.add_to_cart(buyer, sku, 1)
    answer = shop.checkout(buyer, key=uuid.uuid4().hex)
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "INTERNAL"  # the project's error body, nothing of AWS's echoed

    account = shop.cloud.client("sts").get_caller_identity()["Account"]
    refusal = (f"User: arn:aws:sts::{account}:assumed-role/{STACK}-CheckoutStartFunctionRole/{STACK}-CheckoutStartFunction"
               f" is not authorized to perform: states:StartExecution on resource: "
               f"arn:aws:states:{shop.cloud.region}:{account}:stateMachine:{STACK}-checkout"
               f" because no identity-based policy allows the states:StartExecution action")
    log = shop.cloud.output()
    assert f"IAM denied: {refusal}" in log
    function_lines = [line for line in log.splitlines() if line.startswith(f"[{STACK}-CheckoutStartFunction]")]
    assert any("AccessDeniedException" in line and "states:StartExecution" in line for line in function_lines)
    # nothing else of the flow was refused: the rest of the template's grants are what the flow needs
    assert {d["action"] for d in shop.cloud.iam()["denied"]} == {"states:StartExecution"}
