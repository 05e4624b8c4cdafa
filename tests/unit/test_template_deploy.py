"""template.yaml deployed as it stands (its defaults, translated by SAM as `sam deploy` would): the cache in a
VPC with endpoints and only the Redis users in it, no loopback default, data protected, the API logged."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from localcloud.template import translate

ROOT = Path(__file__).resolve().parents[2]
# the functions that use Redis (measured: the e2e suite, each function's first Redis client), and /health
REDIS_USERS = {
    "HealthFunction", "ProductListFunction", "ProductGetFunction", "ProductSearchFunction", "ProductCreateFunction",
    "ProductUpdateFunction", "ProductDeleteFunction", "ProductOnChangeFunction", "InventorySetStockFunction",
    "CartGetFunction", "CartAddItemFunction", "CartUpdateItemFunction", "CartRemoveItemFunction", "CartMergeFunction",
    "CheckoutStartFunction", "UserGetMeFunction", "UserUpdateMeFunction",
    "PaymentAuthorizeFunction", "PaymentCaptureFunction", "PaymentRefundFunction",
}
PAYMENT_STEPS = {"PaymentAuthorizeFunction", "PaymentCaptureFunction", "PaymentRefundFunction"}
LOOPBACK = re.compile(r"(127\.0\.0\.1|localhost|\[::1\])")


@functools.cache
def cfn() -> dict[str, Any]:
    return translate(ROOT / "template.yaml", "us-east-1")


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in cfn()["Resources"].items() if r["Type"] == kind}


def condition_holds(name: str | None, parameters: dict[str, str]) -> bool:
    """The few conditions these tests meet, evaluated for the given parameter values."""
    if name is None:
        return True
    from localcloud.intrinsics import Context, evaluate_conditions

    values = {k: str(v.get("Default", "")) for k, v in cfn()["Parameters"].items()}
    values.update(parameters)
    values["CacheSubnetIds"] = [s for s in values["CacheSubnetIds"].split(",")]
    ctx = Context(region="us-east-1", account_id="123456789012", stack_name="shop-dev", parameters=values,
                  mappings={}, ref=lambda _: None, get_att=lambda *_: None)
    evaluate_conditions(cfn()["Conditions"], ctx)
    return ctx.conditions[name]


def test_no_parameter_defaults_to_a_loopback_address():
    defaults = {name: spec.get("Default") for name, spec in cfn()["Parameters"].items()}
    assert not {name: value for name, value in defaults.items() if LOOPBACK.search(str(value))}
    assert defaults["CacheMode"] == "serverless" and defaults["PaymentProcessor"] == "sandbox"


def test_the_default_is_an_elasticache_serverless_cache_with_tls_in_two_private_subnets():
    (cache,) = resources("AWS::ElastiCache::ServerlessCache").values()
    assert condition_holds(cache["Condition"], {})
    assert cache["Properties"]["Engine"] in ("valkey", "redis")  # serverless: TLS is always on
    subnets = [s["Ref"] for s in cache["Properties"]["SubnetIds"]]
    zones = {json.dumps(cfn()["Resources"][s]["Properties"]["AvailabilityZone"]) for s in subnets}
    assert len(subnets) == 2 and len(zones) == 2
    for subnet in subnets:
        assert not cfn()["Resources"][subnet]["Properties"].get("MapPublicIpOnLaunch")


def test_only_the_functions_in_its_security_group_reach_the_cache():
    ingress = [r["Properties"] for r in resources("AWS::EC2::SecurityGroupIngress").values()
               if r["Properties"]["GroupId"] == {"Ref": "CacheSecurityGroup"}]
    assert ingress == [{"GroupId": {"Ref": "CacheSecurityGroup"}, "Description": ingress[0]["Description"],
                        "IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6380,
                        "SourceSecurityGroupId": {"Ref": "CacheClientSecurityGroup"}}]
    assert "SecurityGroupIngress" not in cfn()["Resources"]["CacheSecurityGroup"]["Properties"]


def test_the_redis_users_and_only_they_run_in_the_vpc_and_get_the_cache_url():
    in_vpc, with_url = set(), set()
    for logical_id, function in resources("AWS::Lambda::Function").items():
        props = function["Properties"]
        if "VpcConfig" in props:
            in_vpc.add(logical_id)
            chosen = props["VpcConfig"]["Fn::If"]
            assert chosen[0] == "RedisUsersInVpc" and condition_holds("RedisUsersInVpc", {})
            subnets = chosen[1]["SubnetIds"]["Fn::If"][1]
            expected = "PaymentSubnet" if logical_id in PAYMENT_STEPS else "CacheSubnet"
            assert all(s["Ref"].startswith(expected) for s in subnets), logical_id
        variables = props.get("Environment", {}).get("Variables", {})
        if "REDIS_URL" in variables:
            with_url.add(logical_id)
            assert "Cache.Endpoint.Address" in json.dumps(variables["REDIS_URL"])  # from the template, rediss://
    assert in_vpc == REDIS_USERS
    assert with_url == REDIS_USERS


def test_aws_traffic_from_the_vpc_needs_no_nat_and_only_the_payment_subnets_have_one():
    endpoints = {r["Properties"]["ServiceName"]["Fn::Sub"].rsplit(".", 1)[1]: r["Properties"]
                 for r in resources("AWS::EC2::VPCEndpoint").values()}
    assert endpoints["dynamodb"]["VpcEndpointType"] == "Gateway"
    assert {name for name, p in endpoints.items() if p["VpcEndpointType"] == "Interface"} == {
        "secretsmanager", "events", "states", "xray"}
    nat_routes = [r["Properties"]["RouteTableId"]["Ref"] for r in resources("AWS::EC2::Route").values()
                  if "NatGatewayId" in r["Properties"]]
    assert sorted(nat_routes) == ["PaymentRouteTableA", "PaymentRouteTableB"]
    assert not [r for r in resources("AWS::EC2::Route").values()
                if r["Properties"]["RouteTableId"] == {"Ref": "CacheRouteTable"}]


def test_cache_mode_none_creates_no_vpc_and_puts_no_function_in_one():
    assert not condition_holds("CacheServerless", {"CacheMode": "none"})
    assert not condition_holds("RedisUsersInVpc", {"CacheMode": "none"})
    assert condition_holds("RedisUsersInVpc", {"CacheMode": "external", "CacheSubnetIds": "subnet-1,subnet-2"})
    assert not condition_holds("RedisUsersInVpc", {"CacheMode": "external", "CacheSubnetIds": ""})


def test_every_table_has_point_in_time_recovery_and_prod_deletion_protection():
    tables = resources("AWS::DynamoDB::Table")
    assert "OrderEventsTable" in tables
    for logical_id, table in tables.items():
        props = table["Properties"]
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, logical_id
        assert props["DeletionProtectionEnabled"] == {"Fn::If": ["IsProduction", True, False]}, logical_id


def test_the_api_stage_writes_json_access_logs_with_the_request_id_and_the_caller_and_errors_only():
    (stage,) = resources("AWS::ApiGateway::Stage").values()
    access = stage["Properties"]["AccessLogSetting"]
    assert access["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(access["Format"])
    assert fields["requestId"] == "$context.requestId" and fields["caller"] == "$context.identity.caller"
    assert fields["user"] == "$context.authorizer.claims.sub"
    (settings,) = stage["Properties"]["MethodSettings"]
    assert settings["LoggingLevel"] == "ERROR" and settings["DataTraceEnabled"] is False


def test_every_log_group_keeps_its_lines_for_a_bounded_time():
    for logical_id, group in resources("AWS::Logs::LogGroup").items():
        assert 1 <= group["Properties"]["RetentionInDays"] <= 365, logical_id


def test_queues_and_topics_are_encrypted_at_rest():
    for logical_id, queue in resources("AWS::SQS::Queue").items():
        assert queue["Properties"].get("SqsManagedSseEnabled") or queue["Properties"].get("KmsMasterKeyId"), logical_id
    for logical_id, topic in resources("AWS::SNS::Topic").items():
        assert topic["Properties"].get("KmsMasterKeyId"), logical_id


def test_every_asynchronously_invoked_function_keeps_what_fails():
    async_targets = set()
    for rule in resources("AWS::Events::Rule").values():
        for target in rule["Properties"].get("Targets", []):
            if "Fn::GetAtt" in target["Arn"]:
                async_targets.add(target["Arn"]["Fn::GetAtt"][0])
    assert async_targets == {"NotificationSendEmailFunction", "InventoryExpireReservationsFunction"}
    for logical_id in async_targets:
        dlq = cfn()["Resources"][logical_id]["Properties"]["DeadLetterConfig"]
        assert dlq == {"TargetArn": {"Fn::GetAtt": ["FunctionFailuresDLQ", "Arn"]}}
    for logical_id, mapping in resources("AWS::Lambda::EventSourceMapping").items():
        on_failure = mapping["Properties"]["DestinationConfig"]["OnFailure"]
        assert on_failure == {"Destination": {"Fn::GetAtt": ["FunctionFailuresDLQ", "Arn"]}}, logical_id


def test_tracing_keeps_a_sample_not_every_request():
    rules = [r["Properties"]["SamplingRule"] for r in resources("AWS::XRay::SamplingRule").values()]
    assert rules and all(rule["FixedRate"] < 1 for rule in rules)


def test_the_storefront_bucket_is_private_and_read_by_cloudfront_only():
    (bucket,) = resources("AWS::S3::Bucket").values()
    assert all(bucket["Properties"]["PublicAccessBlockConfiguration"].values())
    (policy,) = resources("AWS::S3::BucketPolicy").values()
    (allow,) = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"} and allow["Action"] == "s3:GetObject"
    assert "AWS:SourceArn" in allow["Condition"]["StringEquals"]


def test_cloudfront_caches_catalog_reads_and_config_and_passes_the_rest_to_the_api_uncached():
    (cdn,) = resources("AWS::CloudFront::Distribution").values()
    config = cdn["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["api"]["OriginPath"] == {"Fn::Sub": "/${Stage}"}  # /products here is /<Stage>/products there
    assert "OriginAccessControlId" in origins["storefront"]
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "storefront"
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    caching_disabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    for pattern, behavior in behaviors.items():
        assert behavior["TargetOriginId"] == "api", pattern
        if pattern in ("/products*", "/config"):
            assert behavior["CachePolicyId"] == {"Ref": "ApiCachePolicy"}
        else:
            assert behavior["CachePolicyId"] == caching_disabled, pattern
            assert behavior["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # all but Host
    api_routes = {path for path in cfn()["Resources"]["ShopApi"]["Properties"]["Body"]["paths"]}
    for route in api_routes:
        assert any(re.fullmatch(p.replace("*", ".*"), route) for p in behaviors), f"{route} is not behind CloudFront"
    key = cfn()["Resources"]["ApiCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert key["DefaultTTL"] == 0 and key["MinTTL"] == 0  # only what the functions' Cache-Control allows


def test_production_refuses_the_sandbox_and_loopback_or_test_settings():
    rules = cfn()["Rules"]
    assertions = json.dumps(rules["ProductionTakesARealProcessor"])
    assert '"PaymentProcessor"' in assertions and "pk_test_local" in assertions
    assert cfn()["Resources"]["PaymentSandbox"]["Condition"] == "UsePaymentSandbox"
