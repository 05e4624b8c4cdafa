"""The intrinsic resolver and the template -> Stack resolution (no servers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from localcloud.intrinsics import Context, TemplateError, evaluate_conditions, resolve
from localcloud.physical import bounded_name
from localcloud.sources import cron_expression, next_fire
from localcloud.template import build_stack

HERE = Path(__file__).resolve().parent


def context(**kwargs: object) -> Context:
    resources = {"Table": ("orders", {"Arn": "arn:aws:dynamodb:eu-west-1:111:table/orders"})}
    return Context(
        region="eu-west-1", account_id="111", stack_name="demo",
        parameters={"Stage": "prod", "Zones": ["a", "b"]},
        mappings={"Sizes": {"prod": {"Memory": 1024}}},
        ref=lambda name: resources[name][0] if name in resources else None,
        get_att=lambda name, attr: resources[name][1].get(attr) if name in resources else None,
        **kwargs,  # type: ignore[arg-type]
    )


def test_ref_and_getatt_resolve_resources_parameters_and_pseudo_parameters() -> None:
    ctx = context()
    assert resolve({"Ref": "Table"}, ctx) == "orders"
    assert resolve({"Ref": "Stage"}, ctx) == "prod"
    assert resolve({"Ref": "AWS::AccountId"}, ctx) == "111"
    assert resolve({"Fn::GetAtt": ["Table", "Arn"]}, ctx).endswith("table/orders")
    assert resolve({"Fn::GetAtt": "Table.Arn"}, ctx).endswith("table/orders")


def test_sub_in_both_forms_with_escapes() -> None:
    ctx = context()
    assert resolve({"Fn::Sub": "${AWS::StackName}-${Stage}-${Table}"}, ctx) == "demo-prod-orders"
    assert resolve({"Fn::Sub": "${Table.Arn}/index/*"}, ctx).endswith("table/orders/index/*")
    assert resolve({"Fn::Sub": ["${x}:${AWS::Region}", {"x": {"Ref": "Stage"}}]}, ctx) == "prod:eu-west-1"
    assert resolve({"Fn::Sub": "${!Literal}"}, ctx) == "${Literal}"


def test_join_select_split_findinmap_getazs_base64() -> None:
    ctx = context()
    assert resolve({"Fn::Join": ["-", ["a", {"Ref": "Stage"}]]}, ctx) == "a-prod"
    assert resolve({"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}, ctx) == "y"
    assert resolve({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]}, ctx) == 1024
    assert resolve({"Fn::GetAZs": ""}, ctx)[0] == "eu-west-1a"
    assert resolve({"Fn::Base64": "hi"}, ctx) == "aGk="


def test_conditions_if_and_novalue_drop_keys_and_items() -> None:
    ctx = context()
    evaluate_conditions({
        "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
        "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]},
    }, ctx)
    assert ctx.conditions == {"IsProd": True, "IsDev": False, "Either": True}
    node = {"Keep": {"Fn::If": ["IsProd", "yes", "no"]}, "Drop": {"Fn::If": ["IsDev", 1, {"Ref": "AWS::NoValue"}]},
            "List": ["a", {"Fn::If": ["IsDev", "b", {"Ref": "AWS::NoValue"}]}]}
    assert resolve(node, ctx) == {"Keep": "yes", "List": ["a"]}


def test_iam_condition_blocks_are_left_alone() -> None:
    statement = {"Condition": {"StringEquals": {"aws:SourceAccount": "111"}}}
    assert resolve(statement, context()) == statement


def test_unknown_references_are_reported_not_guessed() -> None:
    with pytest.raises(TemplateError, match="Nope"):
        resolve({"Ref": "Nope"}, context())
    with pytest.raises(TemplateError, match="Missing"):
        resolve({"Fn::Sub": "${Missing}"}, context())


def test_wiring_template_resolves_into_a_stack() -> None:
    stack = build_stack(HERE / "wiring.yaml", stack_name="unit", parameter_overrides={"Greeting": "hi"})
    assert "ExtraQueue" not in stack.resources  # Condition ExtrasOn is false by default
    function = stack.resources["EnvWriterFunction"]
    assert function.physical_id == "unit-EnvWriterFunction"
    assert function.metadata["LocalPath"] == str(HERE / "functions" / "probe")
    assert function.properties["Environment"]["Variables"]["GREETING"] == "hi"
    assert function.properties["Environment"]["Variables"]["RECORDS_TABLE"] == "unit-RecordsTable"
    definition = json.loads(stack.resources["Saga"].metadata["Definition"])
    assert definition["States"]["Reserve"]["Resource"] == stack.resources["ReserveFunction"].attributes["Arn"]
    mapping = next(r for r in stack.of_type("AWS::Lambda::EventSourceMapping")
                   if "dynamodb" in r.properties["EventSourceArn"])
    assert mapping.properties["EventSourceArn"] == stack.resources["ItemsTable"].attributes["StreamArn"]
    assert stack.outputs["BusName"] == "unit-bus"
    with_extras = build_stack(HERE / "wiring.yaml", stack_name="unit", parameter_overrides={"WithExtras": "true"})
    assert "ExtraQueue" in with_extras.resources and "ExtraQueueUrl" in with_extras.outputs


def test_parameter_overrides_are_checked_against_the_template() -> None:
    with pytest.raises(TemplateError, match="undeclared"):
        build_stack(HERE / "wiring.yaml", parameter_overrides={"Nope": "1"})
    with pytest.raises(TemplateError, match="not one of"):
        build_stack(HERE / "wiring.yaml", parameter_overrides={"WithExtras": "maybe"})


def test_physical_names_stay_within_service_limits() -> None:
    name = bounded_name("a-very-long-stack-name-for-testing", "AnExtremelyLongLogicalIdForAFunction", 64)
    assert len(name) <= 64 and name == bounded_name("a-very-long-stack-name-for-testing",
                                                    "AnExtremelyLongLogicalIdForAFunction", 64)


def test_schedule_expressions() -> None:
    assert next_fire("rate(5 minutes)", 1000.0) == 1300.0
    assert cron_expression("0 12 ? * 2-6 *") == "0 12 * * 1-5"  # AWS weekdays are 1-based from Sunday
    assert next_fire("cron(0 0 * * ? *)", 0.0) == 86400.0
