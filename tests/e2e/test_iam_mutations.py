"""Every policy statement the checkout uses is needed (`make iam-mutations`, about a minute each;
skipped in `make test`): a checkout on template.yaml records which `Policies:` entries its requests
used (usage reset once the buyer's cart is ready); then, one at a time, the template without that entry runs the same checkout, which must not
reach its end (order CONFIRMED, confirmation email sent, stock committed) and must leave the
AWS-shaped refusal of that role in the local cloud's log."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from checkout_support import OVERRIDES, Shop, User

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(os.environ.get("IAM_MUTATIONS") != "1", reason="slow: run with `make iam-mutations`")
CART_SHARDS = 2  # CART_TABLES in template.yaml
# used by the checkout, and refused when removed, but the code goes on without it on purpose
TOLERATED = {("OrderConfirmFunction", "SSMParameterReadPolicy"): "fault injection fails open: no access means no fault"}
_POLICY = re.compile(r"^(?P<resource>\w+)RolePolicy(?P<index>\d+)$")


def ready_to_check_out(shop: Shop, shard: int | None = None) -> tuple[User, str]:
    """A buyer with one unit of a new SKU in the cart (what the checkout starts from), on cart shard `shard`."""
    from shop.sharding import ShardRouter

    for _ in range(20):
        buyer = shop.sign_up("mutant")
        claims = json.loads(base64.urlsafe_b64decode(buyer.token.split(".")[1] + "=="))
        if shard is None or ShardRouter(CART_SHARDS).shard_for(f"user#{claims['sub']}") == shard:
            sku = shop.product(stock=5)
            shop.add_to_cart(buyer, sku, 1)
            return buyer, sku
    raise AssertionError(f"no buyer's cart on shard {shard} in 20 sign-ups")


def stock_taken_events(cloud: Any) -> Callable[[str], bool]:
    """A tap on the bus: has a StockChanged taking stock of `sku` (delta < 0) been published?"""
    name = f"iam-stock-{uuid.uuid4().hex[:8]}"
    url, arn = cloud.event_queue(name)
    events, sqs = cloud.client("events"), cloud.client("sqs")
    bus = cloud.outputs["EventBusName"]
    events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps({"detail-type": ["StockChanged"]}))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "tap", "Arn": arn}])
    seen: list[dict[str, Any]] = []

    def taken(sku: str) -> bool:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            seen.append(json.loads(message["Body"])["detail"]["data"])
        return any(data.get("sku") == sku and data.get("delta", 0) < 0 for data in seen)

    return taken


def checkout_reaches_its_end(shop: Shop, buyer: User, sku: str, timeout: float = 30) -> bool:
    """Order CONFIRMED (in its read model too: my orders list it), its confirmation email sent, its
    stock committed (sold, not held), its events on the bus (InventoryCommitted, OrderConfirmed,
    StockChanged)."""
    shop.events_queue()
    stock_taken = stock_taken_events(shop.cloud)
    answer = shop.checkout(buyer, key=uuid.uuid4().hex)
    if answer.status_code != 202:
        return False
    order_id = answer.json()["orderId"]
    try:
        order = shop.wait_for_order(buyer, order_id, timeout=timeout)
        shop.wait_until(lambda: shop.sent_emails(buyer.email, order_id), timeout=timeout, what="confirmation email")
        shop.wait_until(lambda: shop.stock(sku)["reserved"] == 0, timeout=timeout, what="stock committed")
        shop.wait_until(lambda: {"InventoryCommitted", "OrderConfirmed"} <= set(shop.events_for(order_id)),
                        timeout=timeout, what="events on the bus")
        shop.wait_until(lambda: stock_taken(sku), timeout=timeout, what="StockChanged on the bus")
        shop.wait_until(lambda: any(o["orderId"] == order_id and o["status"] == "CONFIRMED"
                                    for o in shop.api("GET", "/orders", buyer).json().get("items", [])),
                        timeout=timeout, what="order in my orders")
    except AssertionError:
        return False
    return order["status"] == "CONFIRMED" and shop.stock(sku)["available"] == 4


def used_policies(cloud: Any) -> set[tuple[str, int]]:
    """(resource logical id, index in its Policies:) of every inline policy a request used so far."""
    used = set()
    for role in cloud.iam()["roles"].values():
        for grant in role["grants"]:
            match = _POLICY.match(grant["policy"])
            if grant["used"] and match:
                used.add((match.group("resource"), int(match.group("index"))))
    return used


def cart_shard(resource: str, index: int) -> int | None:
    """The cart shard a Policies entry is about (None: not a cart shard table's)."""
    from samtranslator.yaml_helper import yaml_parse

    entry = yaml_parse((ROOT / "template.yaml").read_text())["Resources"][resource]["Properties"]["Policies"][index]
    found = re.search(r"CartsShard(\d+)Table", json.dumps(entry))
    return int(found.group(1)) if found else None


def policy_name(resource: str, index: int) -> str:
    """The SAM policy template (or "Statement") of a Policies entry."""
    from samtranslator.yaml_helper import yaml_parse

    entry = yaml_parse((ROOT / "template.yaml").read_text())["Resources"][resource]["Properties"]["Policies"][index]
    if isinstance(entry, dict) and "Fn::If" in entry:
        entry = entry["Fn::If"][1]
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def template_without(tmp: Path, resource: str, index: int) -> Path:
    """template.yaml (as JSON) without one entry of a resource's Policies, beside links to the code."""
    from samtranslator.yaml_helper import yaml_parse

    document = yaml_parse((ROOT / "template.yaml").read_text())
    del document["Resources"][resource]["Properties"]["Policies"][index]
    for folder in ("functions", "layers", "state_machines", "infrastructure"):
        (tmp / folder).symlink_to(ROOT / folder, target_is_directory=True)
    variant = tmp / "template.json"
    variant.write_text(json.dumps(document, indent=1))
    return variant


@pytest.fixture(scope="module")
def statements_the_checkout_uses(start_local_cloud: Any) -> list[tuple[str, int]]:
    shop = Shop(start_local_cloud(ROOT / "template.yaml", OVERRIDES, stack_name="shop-iam-base"))
    buyer, sku = ready_to_check_out(shop)
    shop.events_queue()
    shop.cloud.drain()  # the sign-up's, catalog's and cart's own deliveries (welcome email, stock events) are done
    assert shop.cloud.control("POST", "iam/reset")[0] == 200
    assert checkout_reaches_its_end(shop, buyer, sku, timeout=90)
    shop.cloud.drain()
    return sorted(used_policies(shop.cloud))


def test_the_checkout_uses_statements_of_many_functions(statements_the_checkout_uses: list[tuple[str, int]]) -> None:
    resources = {resource for resource, _ in statements_the_checkout_uses}
    assert {"CheckoutStartFunction", "CheckoutStateMachine", "InventoryReserveFunction"} <= resources


@pytest.mark.timeout(3600)  # a local cloud and a checkout per statement
def test_removing_any_statement_the_checkout_uses_makes_it_fail_with_access_denied(
        statements_the_checkout_uses: list[tuple[str, int]], short_lived_local_cloud: Any, tmp_path: Path) -> None:
    problems = []
    only = os.environ.get("IAM_MUTATIONS_ONLY")  # "Resource:index,...": just these, e.g. after a fix
    for position, (resource, index) in enumerate(statements_the_checkout_uses):
        if only and f"{resource}:{index}" not in only.split(","):
            continue
        stack = f"shop-mutant-{position}"
        folder = tmp_path / stack
        folder.mkdir()
        cloud = short_lived_local_cloud(template_without(folder, resource, index), OVERRIDES, stack_name=stack)
        shop = Shop(cloud)
        buyer, sku = ready_to_check_out(shop, cart_shard(resource, index))
        completed = checkout_reaches_its_end(shop, buyer, sku, timeout=20)
        tolerated = TOLERATED.get((resource, policy_name(resource, index)))
        role = f"assumed-role/{stack}-{resource}Role/"
        refusals = [d["message"] for d in cloud.iam()["denied"] if role in d["message"]]
        outcome = "completed (tolerated: " + tolerated + ")" if completed and tolerated else \
            "completed: NOT NEEDED" if completed else "failed"
        print(f"{resource} Policies[{index}] ({policy_name(resource, index)}) removed: checkout {outcome}; "
              f"{refusals[0] if refusals else 'NO REFUSAL LOGGED'}", flush=True)
        if completed != bool(tolerated) or not refusals:
            problems.append(f"{resource} Policies[{index}]: checkout {outcome}, {len(refusals)} refusals ({cloud.log_path})")
        cloud.process.send_signal(signal.SIGINT)  # stop it now: one mutant local cloud at a time
        cloud.process.wait(30)
    assert not problems, "\n".join(problems)
