"""The local IAM evaluator, one rule of AWS's documented policy evaluation logic per test
("Policy evaluation logic", "Condition operators", "Resource", "NotResource", "NotAction",
"Principal", "Policy variables" in the IAM User Guide)."""

from __future__ import annotations

from typing import Any

import pytest
from localcloud.iam.matching import action_matches, arn_matches
from localcloud.iam.policy import Caller, Policy, evaluate

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/shop-CartGetRole"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/shop-CartGetRole/shop-CartGet"
CALLER = Caller(arn=SESSION, account=ACCOUNT, role_arn=ROLE)
EVENTS = Caller(arn="events.amazonaws.com", account=ACCOUNT, service="events.amazonaws.com")
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/shop-Carts"
OTHER_TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/shop-Orders"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:shop-SendEmail"
RULE = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/shop-events/shop-CustomerEmails"


def policy(*statements: dict[str, Any], version: str = "2012-10-17") -> Policy:
    return Policy.parse("test", {"Version": version, "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decide(action: str, resource: str, *policies: Policy, context: dict[str, Any] | None = None,
           resource_policy: Policy | None = None, caller: Caller = CALLER, known: Any = None) -> Any:
    return evaluate(caller, action, resource, context or {}, identity=policies, resource_policy=resource_policy,
                    **({"known": known} if known else {}))


# ---------------------------------------------------------------------- the decision
def test_a_request_no_policy_allows_is_implicitly_denied() -> None:
    decision = decide("dynamodb:GetItem", TABLE)
    assert not decision.allowed and decision.reason == "implicit"
    assert decision.because("dynamodb:GetItem") == "because no identity-based policy allows the dynamodb:GetItem action"


def test_an_allow_for_the_action_and_resource_allows_and_names_the_grant() -> None:
    decision = decide("dynamodb:GetItem", TABLE, policy(allow(["dynamodb:GetItem", "dynamodb:Query"], TABLE)))
    assert decision.allowed
    assert [(g.action, g.resource) for g in decision.grants] == [("dynamodb:GetItem", TABLE)]


def test_a_table_it_has_no_policy_for_is_refused() -> None:
    assert not decide("dynamodb:GetItem", OTHER_TABLE, policy(allow("dynamodb:GetItem", TABLE))).allowed


def test_an_explicit_deny_beats_an_allow_in_the_same_policy() -> None:
    decision = decide("dynamodb:DeleteItem", TABLE, policy(allow("dynamodb:*", TABLE), deny("dynamodb:DeleteItem", TABLE)))
    assert not decision.allowed and decision.reason == "explicit deny in identity"
    assert decision.because("dynamodb:DeleteItem") == "with an explicit deny in an identity-based policy"


def test_an_explicit_deny_in_another_policy_beats_an_allow() -> None:
    assert not decide("dynamodb:GetItem", TABLE, policy(allow("*")), policy(deny("dynamodb:*"))).allowed


def test_a_deny_in_the_resource_policy_beats_an_identity_allow() -> None:
    resource_policy = policy({"Effect": "Deny", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": FUNCTION})
    decision = decide("lambda:InvokeFunction", FUNCTION, policy(allow("lambda:InvokeFunction")),
                      resource_policy=resource_policy)
    assert not decision.allowed and decision.reason == "explicit deny in resource"


def test_a_resource_policy_naming_the_role_allows_without_an_identity_policy() -> None:
    resource_policy = policy({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "sqs:SendMessage", "Resource": "*"})
    assert decide("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q", resource_policy=resource_policy).allowed


def test_a_resource_policy_naming_the_account_delegates_to_identity_policies() -> None:
    resource_policy = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                              "Action": "sqs:SendMessage", "Resource": "*"})
    queue = "arn:aws:sqs:us-east-1:123456789012:q"
    assert not decide("sqs:SendMessage", queue, resource_policy=resource_policy).allowed
    assert decide("sqs:SendMessage", queue, policy(allow("sqs:SendMessage", queue)), resource_policy=resource_policy).allowed


def test_a_service_principal_is_allowed_only_by_the_resource_policy_naming_it() -> None:
    permission = policy({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                         "Action": "lambda:InvokeFunction", "Resource": FUNCTION,
                         "Condition": {"ArnLike": {"AWS:SourceArn": RULE}}})
    context = {"aws:sourcearn": RULE}
    assert decide("lambda:InvokeFunction", FUNCTION, context=context, resource_policy=permission, caller=EVENTS).allowed
    other_rule = {"aws:sourcearn": RULE.replace("CustomerEmails", "Other")}
    assert not decide("lambda:InvokeFunction", FUNCTION, context=other_rule, resource_policy=permission,
                      caller=EVENTS).allowed
    api = Caller(arn="apigateway.amazonaws.com", account=ACCOUNT, service="apigateway.amazonaws.com")
    assert not decide("lambda:InvokeFunction", FUNCTION, context=context, resource_policy=permission, caller=api).allowed
    assert not decide("lambda:InvokeFunction", FUNCTION, context=context, caller=EVENTS).allowed


def test_not_principal_applies_to_everyone_but_the_named() -> None:
    resource_policy = policy({"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "sqs:*", "Resource": "*"})
    queue = "arn:aws:sqs:us-east-1:123456789012:q"
    assert decide("sqs:SendMessage", queue, policy(allow("sqs:*")), resource_policy=resource_policy).allowed
    stranger = Caller(arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/other/x", account=ACCOUNT,
                      role_arn=f"arn:aws:iam::{ACCOUNT}:role/other")
    assert not decide("sqs:SendMessage", queue, policy(allow("sqs:*")), resource_policy=resource_policy,
                      caller=stranger).allowed


# ---------------------------------------------------------------------- Action, NotAction
def test_a_wildcard_action_is_honoured() -> None:
    reads = policy(allow("dynamodb:Get*", TABLE))
    assert decide("dynamodb:GetItem", TABLE, reads).allowed
    assert decide("dynamodb:GetRecords", TABLE, reads).allowed
    assert not decide("dynamodb:PutItem", TABLE, reads).allowed
    assert not decide("dynamodb:BatchGetItem", TABLE, reads).allowed


def test_the_single_character_wildcard_matches_exactly_one_character() -> None:
    assert action_matches("sqs:?endMessage", "sqs:SendMessage")
    assert not action_matches("sqs:?endMessage", "sqs:endMessage")


def test_actions_are_case_insensitive() -> None:
    assert decide("dynamodb:GetItem", TABLE, policy(allow("DynamoDB:getitem", TABLE))).allowed


def test_not_action_allows_everything_but_the_listed_actions() -> None:
    everything_but_iam = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert decide("dynamodb:GetItem", TABLE, everything_but_iam).allowed
    assert not decide("iam:CreateUser", "*", everything_but_iam).allowed


def test_a_statement_needs_exactly_one_of_action_and_not_action() -> None:
    with pytest.raises(ValueError):
        Policy.parse("bad", {"Statement": [{"Effect": "Allow", "Resource": "*"}]})
    with pytest.raises(ValueError):
        Policy.parse("bad", {"Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]})


# ---------------------------------------------------------------------- Resource, NotResource
def test_not_resource_denies_every_other_table() -> None:
    only_carts = policy(allow("dynamodb:*", "*"), {"Effect": "Deny", "Action": "dynamodb:*", "NotResource": [TABLE]})
    assert decide("dynamodb:GetItem", TABLE, only_carts).allowed
    assert not decide("dynamodb:GetItem", OTHER_TABLE, only_carts).allowed


def test_not_resource_in_an_allow_grants_everything_but_the_listed() -> None:
    all_but_orders = policy({"Effect": "Allow", "Action": "dynamodb:GetItem", "NotResource": OTHER_TABLE})
    assert decide("dynamodb:GetItem", TABLE, all_but_orders).allowed
    assert not decide("dynamodb:GetItem", OTHER_TABLE, all_but_orders).allowed


def test_an_index_is_its_own_resource_under_the_table() -> None:
    index = f"{TABLE}/index/byUser"
    assert not decide("dynamodb:Query", index, policy(allow("dynamodb:Query", TABLE))).allowed
    assert decide("dynamodb:Query", index, policy(allow("dynamodb:Query", [TABLE, f"{TABLE}/index/*"]))).allowed


def test_resource_wildcards_stay_within_a_segment_unless_they_end_it() -> None:
    assert arn_matches("arn:aws:lambda:*:123456789012:function:shop-*", FUNCTION)
    assert arn_matches(f"{FUNCTION}*", f"{FUNCTION}:live")  # SAM's LambdaInvokePolicy covers aliases
    assert not arn_matches("arn:aws:lambda:us-east-1:123456789012:function:shop-*-x", f"{FUNCTION}:live-x")
    assert arn_matches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c")
    assert not arn_matches("arn:aws:dynamodb:us-east-?:123456789012:table/shop-Carts", TABLE.replace("east-1", "east-12"))


def test_resource_arns_are_case_sensitive() -> None:
    assert not decide("dynamodb:GetItem", TABLE, policy(allow("dynamodb:GetItem", TABLE.lower()))).allowed


def test_an_action_without_resource_level_permissions_matches_only_a_star_resource() -> None:
    identity = "arn:aws:ses:us-east-1:123456789012:identity/orders@shop.example.com"
    scoped = policy(allow(["ses:SendEmail", "ses:VerifyEmailIdentity"], identity))
    assert decide("ses:SendEmail", identity, scoped).allowed
    assert not decide("ses:VerifyEmailIdentity", "*", scoped).allowed
    assert decide("ses:VerifyEmailIdentity", "*", policy(allow("ses:VerifyEmailIdentity", "*"))).allowed


# ---------------------------------------------------------------------- Condition
def with_condition(condition: dict[str, Any], effect: str = "Allow") -> Policy:
    return policy({"Effect": effect, "Action": "events:PutEvents", "Resource": "*", "Condition": condition})


def test_string_equals_and_string_like_compare_the_request_value() -> None:
    equals = with_condition({"StringEquals": {"events:source": "shop.order"}})
    assert decide("events:PutEvents", "*", equals, context={"events:source": "shop.order"}).allowed
    assert not decide("events:PutEvents", "*", equals, context={"events:source": "shop.cart"}).allowed
    like = with_condition({"StringLike": {"events:source": "shop.*"}})
    assert decide("events:PutEvents", "*", like, context={"events:source": "shop.cart"}).allowed
    assert not decide("events:PutEvents", "*", like, context={"events:source": "aws.events"}).allowed


def test_several_values_of_a_key_are_ored_and_several_keys_anded() -> None:
    condition = with_condition({"StringEquals": {"events:source": ["shop.order", "shop.user"],
                                                 "events:detail-type": "OrderConfirmed"}})
    assert decide("events:PutEvents", "*", condition,
                  context={"events:source": "shop.user", "events:detail-type": "OrderConfirmed"}).allowed
    assert not decide("events:PutEvents", "*", condition,
                      context={"events:source": "shop.user", "events:detail-type": "UserRegistered"}).allowed


def test_a_negated_operator_with_several_values_must_match_none() -> None:
    condition = with_condition({"StringNotEquals": {"events:source": ["shop.order", "shop.user"]}})
    assert decide("events:PutEvents", "*", condition, context={"events:source": "shop.cart"}).allowed
    assert not decide("events:PutEvents", "*", condition, context={"events:source": "shop.user"}).allowed


def test_a_missing_key_fails_a_positive_operator_and_passes_a_negated_one() -> None:
    assert not decide("events:PutEvents", "*", with_condition({"StringEquals": {"events:source": "x"}})).allowed
    assert decide("events:PutEvents", "*", with_condition({"StringNotEquals": {"events:source": "x"}})).allowed


def test_if_exists_passes_when_the_key_is_missing() -> None:
    condition = with_condition({"StringEqualsIfExists": {"events:source": "shop.order"}})
    assert decide("events:PutEvents", "*", condition).allowed
    assert not decide("events:PutEvents", "*", condition, context={"events:source": "shop.cart"}).allowed


def test_null_tests_whether_the_key_is_present() -> None:
    missing = with_condition({"Null": {"aws:sourcearn": "true"}})
    assert decide("events:PutEvents", "*", missing).allowed
    assert not decide("events:PutEvents", "*", missing, context={"aws:sourcearn": RULE}).allowed


def test_for_all_values_holds_for_an_empty_set_and_for_any_value_does_not() -> None:
    all_values = with_condition({"ForAllValues:StringEquals": {"aws:principaltag/team": ["shop", "ops"]}})
    any_value = with_condition({"ForAnyValue:StringEquals": {"aws:principaltag/team": ["shop"]}})
    assert decide("events:PutEvents", "*", all_values).allowed
    assert decide("events:PutEvents", "*", all_values, context={"aws:principaltag/team": ("shop", "ops")}).allowed
    assert not decide("events:PutEvents", "*", all_values, context={"aws:principaltag/team": ("shop", "x")}).allowed
    assert not decide("events:PutEvents", "*", any_value).allowed
    assert decide("events:PutEvents", "*", any_value, context={"aws:principaltag/team": ("x", "shop")}).allowed


def test_arn_like_numeric_date_bool_and_ip_operators() -> None:
    assert decide("events:PutEvents", "*", with_condition({"ArnLike": {"aws:sourcearn": "arn:aws:events:*:*:rule/shop-*"}}),
                  context={"aws:sourcearn": RULE}).allowed
    assert decide("events:PutEvents", "*", with_condition({"NumericLessThan": {"aws:epochtime": "2000000000"}}),
                  context={"aws:epochtime": "1700000000"}).allowed
    assert not decide("events:PutEvents", "*", with_condition({"DateGreaterThan": {"aws:currenttime": "2030-01-01T00:00:00Z"}}),
                      context={"aws:currenttime": "2026-01-01T00:00:00Z"}).allowed
    assert decide("events:PutEvents", "*", with_condition({"Bool": {"aws:securetransport": True}}),
                  context={"aws:securetransport": "true"}).allowed
    assert decide("events:PutEvents", "*", with_condition({"IpAddress": {"aws:sourceip": "127.0.0.0/8"}}),
                  context={"aws:sourceip": "127.0.0.1"}).allowed
    assert not decide("events:PutEvents", "*", with_condition({"NotIpAddress": {"aws:sourceip": "127.0.0.0/8"}}),
                      context={"aws:sourceip": "127.0.0.1"}).allowed


def test_condition_key_names_are_case_insensitive() -> None:
    condition = with_condition({"StringEquals": {"Events:Source": "shop.order"}})
    assert decide("events:PutEvents", "*", condition, context={"events:source": "shop.order"}).allowed


def test_an_unknown_condition_key_denies_and_is_named() -> None:
    def known(key: str) -> bool:
        return key != "aws:resourcetag/team"

    tagged = with_condition({"StringEquals": {"aws:ResourceTag/team": "shop"}})
    decision = decide("events:PutEvents", "*", tagged, known=known)
    assert not decision.allowed and decision.unknown_keys == ("aws:ResourceTag/team",)
    # in a Deny statement too: the request is refused rather than let through
    guarded = policy(allow("events:PutEvents"), {"Effect": "Deny", "Action": "*", "Resource": "*",
                                                 "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "shop"}}})
    assert not decide("events:PutEvents", "*", guarded, known=known).allowed


# ---------------------------------------------------------------------- policy variables
def test_policy_variables_are_substituted_from_the_request_context() -> None:
    own_table = policy(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/${aws:PrincipalTag/table}"))
    assert decide("dynamodb:GetItem", TABLE, own_table, context={"aws:principaltag/table": "shop-Carts"}).allowed
    assert not decide("dynamodb:GetItem", TABLE, own_table).allowed  # unresolvable: the resource does not match
    defaulted = policy(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/${aws:PrincipalTag/table, 'shop-Carts'}"))
    assert decide("dynamodb:GetItem", TABLE, defaulted).allowed


def test_variables_are_plain_text_in_a_2008_10_17_policy() -> None:
    old = policy(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/${aws:PrincipalTag/table}"),
                 version="2008-10-17")
    assert not decide("dynamodb:GetItem", TABLE, old, context={"aws:principaltag/table": "shop-Carts"}).allowed
