"""Deterministic physical ids and ARNs per resource type, as CloudFormation would name them.

The provisioner may replace them with what the emulated service really answered (a user pool id,
a client id): dependents are resolved after their dependencies, so they see the real value.
"""

from __future__ import annotations

import hashlib
import string
from typing import Any


def _digest(*parts: str, length: int = 12, alphabet: str = string.ascii_lowercase + string.digits) -> str:
    number = int(hashlib.sha256("/".join(parts).encode()).hexdigest(), 16)
    out = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        out.append(alphabet[index])
    return "".join(out)


EC2_ID_PREFIXES = {
    "AWS::EC2::VPC": "vpc", "AWS::EC2::Subnet": "subnet", "AWS::EC2::SecurityGroup": "sg", "AWS::EC2::RouteTable": "rtb",
    "AWS::EC2::InternetGateway": "igw", "AWS::EC2::NatGateway": "nat", "AWS::EC2::EIP": "eipalloc",
    "AWS::EC2::VPCEndpoint": "vpce", "AWS::EC2::FlowLog": "fl",
}


def bounded_name(stack: str, logical_id: str, limit: int, *, lower: bool = False) -> str:
    """`<stack>-<LogicalId>` within a service's length limit (suffixed by a hash when cut)."""
    name = f"{stack}-{logical_id}"
    if lower:
        name = name.lower()
    if len(name) <= limit:
        return name
    suffix = _digest(stack, logical_id, length=8)
    return f"{name[: limit - 9]}-{suffix}"


def physical_identity(
    resource_type: str, logical_id: str, properties: dict[str, Any], *, stack: str, region: str, account: str
) -> tuple[str, dict[str, Any]]:
    """(what Ref returns, what GetAtt returns) for one resource with resolved properties."""
    p = properties
    arn_prefix = f"arn:aws:{{service}}:{region}:{account}"

    def arn(service: str, rest: str) -> str:
        return f"{arn_prefix.format(service=service)}:{rest}"

    if resource_type == "AWS::DynamoDB::Table":
        name = p.get("TableName") or bounded_name(stack, logical_id, 255)
        attrs = {"Arn": arn("dynamodb", f"table/{name}")}
        if p.get("StreamSpecification"):
            # moto's streams are labelled by creation time: the provisioner pins this label
            attrs["StreamArn"] = f"{attrs['Arn']}/stream/2000-01-01T00:00:00.000"
        return name, attrs
    if resource_type == "AWS::SQS::Queue":
        name = p.get("QueueName") or bounded_name(stack, logical_id, 80 - (5 if p.get("FifoQueue") else 0))
        if p.get("FifoQueue") and not name.endswith(".fifo"):
            name += ".fifo"
        queue_arn = arn("sqs", name)
        # the provisioner replaces the URL with the one the endpoint answers
        url = f"https://sqs.{region}.amazonaws.com/{account}/{name}"
        return url, {"Arn": queue_arn, "QueueName": name, "QueueUrl": url}
    if resource_type == "AWS::SNS::Topic":
        name = p.get("TopicName") or bounded_name(stack, logical_id, 256)
        topic_arn = arn("sns", name)
        return topic_arn, {"TopicArn": topic_arn, "TopicName": name}
    if resource_type == "AWS::Events::EventBus":
        name = p["Name"]
        return name, {"Arn": arn("events", f"event-bus/{name}"), "Name": name}
    if resource_type == "AWS::Events::Rule":
        name = p.get("Name") or bounded_name(stack, logical_id, 64)
        bus = p.get("EventBusName", "default")
        bus = bus.rsplit("/", 1)[-1]
        path = f"rule/{name}" if bus == "default" else f"rule/{bus}/{name}"
        return name, {"Arn": arn("events", path)}
    if resource_type == "AWS::Lambda::Function":
        name = p.get("FunctionName") or bounded_name(stack, logical_id, 64)
        return name, {"Arn": arn("lambda", f"function:{name}")}
    if resource_type == "AWS::Lambda::LayerVersion":
        name = p.get("LayerName") or bounded_name(stack, logical_id, 140)
        layer_arn = arn("lambda", f"layer:{name}:1")
        return layer_arn, {"LayerVersionArn": layer_arn}
    if resource_type in ("AWS::Lambda::Version", "AWS::Lambda::Alias"):
        function = str(p["FunctionName"])
        function_arn = function if function.startswith("arn:") else arn("lambda", f"function:{function}")
        if resource_type == "AWS::Lambda::Version":
            return f"{function_arn}:1", {"Version": "1"}
        return f"{function_arn}:{p['Name']}", {}
    if resource_type == "AWS::IAM::Role":
        name = p.get("RoleName") or bounded_name(stack, logical_id, 64)
        return name, {"Arn": f"arn:aws:iam::{account}:role{p.get('Path', '/')}{name}", "RoleId": _digest(name, length=21).upper()}
    if resource_type == "AWS::IAM::ManagedPolicy":
        name = p.get("ManagedPolicyName") or bounded_name(stack, logical_id, 128)
        policy_arn = f"arn:aws:iam::{account}:policy{p.get('Path', '/')}{name}"
        return policy_arn, {"PolicyArn": policy_arn}
    if resource_type == "AWS::StepFunctions::StateMachine":
        name = p.get("StateMachineName") or bounded_name(stack, logical_id, 80)
        machine_arn = arn("states", f"stateMachine:{name}")
        return machine_arn, {"Arn": machine_arn, "Name": name}
    if resource_type == "AWS::Cognito::UserPool":
        pool_id = f"{region}_{_digest(stack, logical_id, length=9, alphabet=string.ascii_letters + string.digits)}"
        return pool_id, {
            "Arn": arn("cognito-idp", f"userpool/{pool_id}"),
            "ProviderName": f"cognito-idp.{region}.amazonaws.com/{pool_id}",
            "ProviderURL": f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
            "UserPoolId": pool_id,
        }
    if resource_type == "AWS::Cognito::UserPoolClient":
        client_id = _digest(stack, logical_id, length=26)
        return client_id, {"ClientId": client_id, "Name": p.get("ClientName", logical_id)}
    if resource_type == "AWS::Cognito::UserPoolGroup":
        return p.get("GroupName") or logical_id, {}
    if resource_type == "AWS::ApiGateway::RestApi":
        api_id = _digest(stack, logical_id, length=10)
        return api_id, {"RootResourceId": _digest(api_id, "root", length=10), "RestApiId": api_id}
    if resource_type == "AWS::ApiGateway::Stage":
        return p.get("StageName", logical_id), {}
    if resource_type == "AWS::ApiGateway::ApiKey":
        key_id = _digest(stack, logical_id, length=10)
        value = p.get("Value") or _digest(stack, logical_id, "value", length=40, alphabet=string.ascii_letters + string.digits)
        return key_id, {"APIKeyId": key_id, "Value": value}
    if resource_type == "AWS::Logs::LogGroup":
        name = p.get("LogGroupName") or bounded_name(stack, logical_id, 512)
        return name, {"Arn": arn("logs", f"log-group:{name}:*")}
    if resource_type == "AWS::SSM::Parameter":
        name = p.get("Name") or f"CFN-{bounded_name(stack, logical_id, 200)}"
        return name, {"Type": p.get("Type", "String"), "Value": p.get("Value")}
    if resource_type == "AWS::CloudWatch::Alarm":
        name = p.get("AlarmName") or bounded_name(stack, logical_id, 255)
        return name, {"Arn": arn("cloudwatch", f"alarm:{name}")}
    if resource_type == "AWS::S3::Bucket":
        name = p.get("BucketName") or bounded_name(stack, logical_id, 63, lower=True)
        return name, {"Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
                      "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com"}
    if resource_type.startswith("AWS::CloudFront::"):  # not emulated; ids shaped as CloudFront's
        ident = _digest(stack, logical_id, length=14, alphabet=string.ascii_uppercase + string.digits)
        if resource_type == "AWS::CloudFront::Distribution":
            return ident, {"Id": ident, "DomainName": f"{ident.lower()}.cloudfront.net"}
        return ident, {"Id": ident}
    if resource_type in EC2_ID_PREFIXES:  # not emulated (the VPC of CacheMode=serverless); ids shaped as EC2's
        ident = f"{EC2_ID_PREFIXES[resource_type]}-{_digest(stack, logical_id, length=17, alphabet='0123456789abcdef')}"
        extra = {"VPC": {"DefaultSecurityGroup": f"sg-{_digest(stack, logical_id, 'default', length=17, alphabet='0123456789abcdef')}",
                         "CidrBlock": p.get("CidrBlock")},
                 "EIP": {"AllocationId": f"eipalloc-{ident.split('-')[1]}", "PublicIp": "192.0.2.1"}}
        return ident, {"Id": ident, "GroupId": ident, **extra.get(resource_type.split("::")[2], {})}
    if resource_type == "AWS::KMS::Key":
        key_id = _digest(stack, logical_id, length=32, alphabet="0123456789abcdef")
        return key_id, {"Arn": arn("kms", f"key/{key_id}"), "KeyId": key_id}
    if resource_type == "AWS::SecretsManager::Secret":
        name = p.get("Name") or bounded_name(stack, logical_id, 256)
        secret_arn = arn("secretsmanager", f"secret:{name}-{_digest(name, length=6)}")
        return secret_arn, {"Id": secret_arn}
    # anything else: a stable id and a plausible ARN, so that references to it still resolve
    service = resource_type.split("::")[1].lower() if resource_type.count("::") == 2 else "local"
    name = bounded_name(stack, logical_id, 128)
    return name, {"Arn": arn(service, name)}
