"""The least-privilege report: usage of several local clouds merged per template, grants sorted into
used, kept (Lambda's own, SAM template extras, recorded reasons) and to review."""

from __future__ import annotations

import json
from pathlib import Path

from localcloud.iam import report

BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
TABLE = "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${CartsShard0Table}"


def usage_file(folder: Path, name: str, template: Path, grants: list[tuple[str, str, str, bool]]) -> None:
    record = {"template": str(template.resolve()), "roles": {"CartGetFunctionRole": {
        "grants": [{"policy": p, "statement": 0, "action": a, "resource": r, "used": u} for p, a, r, u in grants],
        "used": [[a, r] for _, a, r, u in grants if u]}}}
    (folder / f"{name}.json").write_text(json.dumps(record))


def test_a_grant_is_used_when_any_local_cloud_of_the_template_used_it(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources: {}\n")
    usage_file(tmp_path, "one", template, [("CartGetFunctionRolePolicy0", "dynamodb:GetItem", TABLE, False)])
    usage_file(tmp_path, "two", template, [("CartGetFunctionRolePolicy0", "dynamodb:GetItem", TABLE, True)])
    usage_file(tmp_path, "other", tmp_path / "other.yaml", [("X", "dynamodb:Scan", TABLE, False)])
    roles, clouds = report.load(tmp_path, template)
    assert clouds == 2
    assert roles["CartGetFunctionRole"].grants == {("CartGetFunctionRolePolicy0", 0, "dynamodb:GetItem", TABLE): True}


def test_unused_grants_are_sorted_into_kept_and_to_review(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n  CartGetFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n"
        "        - DynamoDBReadPolicy: {TableName: !Ref CartsShard0Table}\n"
        "        - DynamoDBReadPolicy: {TableName: !Ref ProductsTable}\n"
        "        - DynamoDBReadPolicy: {TableName: !Ref InventoryTable}\n")
    usage_file(tmp_path, "run", template, [
        ("CartGetFunctionRolePolicy0", "dynamodb:GetItem", TABLE, True),
        ("CartGetFunctionRolePolicy0", "dynamodb:Scan", TABLE, False),  # comes with DynamoDBReadPolicy
        ("CartGetFunctionRolePolicy1", "dynamodb:GetItem", TABLE.replace("CartsShard0", "Products"), False),
        ("CartGetFunctionRolePolicy2", "dynamodb:GetItem", TABLE.replace("CartsShard0", "Inventory"), False),
        (BASIC, "logs:PutLogEvents", "*", False),
    ])
    roles, clouds = report.load(tmp_path, template)
    sources = report.policy_sources(template)
    assert sources["CartGetFunctionRolePolicy1"] == "DynamoDBReadPolicy(TableName=ProductsTable)"
    reasons = {("CartGetFunctionRole", "DynamoDBReadPolicy(TableName=ProductsTable)"): "read on a cache miss"}
    kept, review = report.unused_policies(roles, sources, reasons)
    assert kept == ["CartGetFunctionRole: DynamoDBReadPolicy(TableName=ProductsTable)"]
    assert review == ["CartGetFunctionRole: DynamoDBReadPolicy(TableName=InventoryTable)"]
    text = "\n".join(report.render(roles, clouds, sources, reasons))
    assert "unused (comes with it): dynamodb:Scan" in text
    assert "NEVER USED, to review: DynamoDBReadPolicy(TableName=InventoryTable)" in text
    assert "kept (Lambda writes the function's logs with it): AWSLambdaBasicExecutionRole" in text
    assert "2 policies no test used (1 kept with a reason, 1 to review)" in report.summary_line(roles, clouds, sources,
                                                                                                 reasons)


def test_every_recorded_reason_names_a_policy_of_the_template() -> None:
    sources = report.policy_sources(Path(__file__).resolve().parents[3] / "template.yaml")
    for role, entry in report.recorded_reasons():
        assert any((role == "*" or key.startswith(role)) and value == entry for key, value in sources.items()), \
            (role, entry)
