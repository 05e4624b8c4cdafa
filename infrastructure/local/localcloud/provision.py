"""Create the resources of the stack in moto, through boto3 at the local endpoint, in dependency
order (called by template.build_stack per resource, so dependents see the ids moto answered)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from localcloud import hooks
from localcloud.stack import Resource

# a placeholder for moto: the code itself runs in the local execution environments
PLACEHOLDER_ZIP = io.BytesIO()
with zipfile.ZipFile(PLACEHOLDER_ZIP, "w") as _zip:
    _zip.writestr("README", "code runs locally from the template's CodeUri\n")
PLACEHOLDER_CODE = PLACEHOLDER_ZIP.getvalue()

# resources the local cloud serves itself, or that only make sense in AWS: no moto call needed
HANDLED_ELSEWHERE = {
    "AWS::ApiGateway::RestApi": "local API gateway",
    "AWS::ApiGateway::Stage": "local API gateway",
    "AWS::ApiGateway::Deployment": "local API gateway",
    "AWS::ApiGateway::UsagePlan": "local API gateway",
    "AWS::ApiGateway::UsagePlanKey": "local API gateway",
    "AWS::ApiGateway::Account": "local API gateway",
    "AWS::SQS::QueuePolicy": None,
    "AWS::Events::Permission": "no resource policies locally",
}


@dataclass
class ProvisionReport:
    created: list[str] = field(default_factory=list)
    local: list[tuple[str, str]] = field(default_factory=list)  # (logical id, who serves it)
    not_emulated: list[tuple[str, str]] = field(default_factory=list)  # (logical id, type)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (logical id, error)


def _tags_list(tags: Any) -> list[dict[str, str]]:
    if isinstance(tags, dict):
        return [{"Key": k, "Value": str(v)} for k, v in tags.items()]
    return list(tags or [])


class Provisioner:
    """One callable per resource type; `__call__(resource)` is build_stack's on_resource."""

    def __init__(self, endpoint: str, region: str, account_id: str, log: Callable[[str], None] = print,
                 redis_url: str | None = None) -> None:
        self.endpoint, self.region, self.account_id, self.log = endpoint, region, account_id, log
        self.redis_url = redis_url  # what stands in for an ElastiCache cache
        self.session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region)
        self._clients: dict[str, Any] = {}
        self.report = ProvisionReport()

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, endpoint_url=self.endpoint, config=Config(retries={"max_attempts": 1})
            )
        return self._clients[service]

    def __call__(self, resource: Resource) -> None:
        kind = resource.type
        method = getattr(self, "create_" + kind.replace("AWS::", "").replace("::", "_").lower(), None)
        if kind in HANDLED_ELSEWHERE and method is None:
            if HANDLED_ELSEWHERE[kind]:
                self.report.local.append((resource.logical_id, HANDLED_ELSEWHERE[kind]))
            return
        if method is None:
            self.report.not_emulated.append((resource.logical_id, kind))
            return
        try:
            method(resource, resource.properties)
        except Exception as error:  # one resource moto refuses must not stop the rest
            self.report.failed.append((resource.logical_id, f"{type(error).__name__}: {error}"))
            return
        self.report.created.append(resource.logical_id)

    # ------------------------------------------------------------------ data
    def create_dynamodb_table(self, r: Resource, p: dict[str, Any]) -> None:
        args: dict[str, Any] = {
            "TableName": r.physical_id, "AttributeDefinitions": p["AttributeDefinitions"],
            "KeySchema": p["KeySchema"], "BillingMode": p.get("BillingMode", "PROVISIONED"),
        }
        if args["BillingMode"] == "PROVISIONED":
            args["ProvisionedThroughput"] = p.get("ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if p.get(key):
                args[key] = p[key]
        if p.get("StreamSpecification"):
            args["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": p["StreamSpecification"]["StreamViewType"]}
        if p.get("Tags"):
            args["Tags"] = _tags_list(p["Tags"])
        self.client("dynamodb").create_table(**args)
        ttl = p.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            self.client("dynamodb").update_time_to_live(
                TableName=r.physical_id, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]}
            )
        if "StreamArn" in r.attributes:
            hooks.pin_stream_label(self.account_id, self.region, r.physical_id, r.attributes["StreamArn"])

    def create_sqs_queue(self, r: Resource, p: dict[str, Any]) -> None:
        attributes = {}
        for key in ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
                    "VisibilityTimeout", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
                    "FifoThroughputLimit"):
            if key in p:
                value = p[key]
                attributes[key] = str(value).lower() if isinstance(value, bool) else str(value)
        for key in ("RedrivePolicy", "RedriveAllowPolicy"):
            if key in p:
                attributes[key] = json.dumps(p[key]) if isinstance(p[key], dict) else p[key]
        name = r.attributes["QueueName"]
        url = self.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        r.physical_id = url
        r.attributes["QueueUrl"] = url

    def create_sqs_queuepolicy(self, r: Resource, p: dict[str, Any]) -> None:
        for url in p.get("Queues", []):
            self.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(p["PolicyDocument"])})

    def create_sns_topic(self, r: Resource, p: dict[str, Any]) -> None:
        attributes = {"FifoTopic": "true"} if p.get("FifoTopic") else {}
        arn = self.client("sns").create_topic(Name=r.attributes["TopicName"], Attributes=attributes)["TopicArn"]
        r.physical_id = r.attributes["TopicArn"] = arn
        for subscription in p.get("Subscription", []):
            self.client("sns").subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])

    def create_sns_subscription(self, r: Resource, p: dict[str, Any]) -> None:
        r.physical_id = self.client("sns").subscribe(
            TopicArn=p["TopicArn"], Protocol=p["Protocol"], Endpoint=p["Endpoint"]
        )["SubscriptionArn"]

    def create_s3_bucket(self, r: Resource, p: dict[str, Any]) -> None:
        self.client("s3").create_bucket(Bucket=r.physical_id)

    def create_ssm_parameter(self, r: Resource, p: dict[str, Any]) -> None:
        self.client("ssm").put_parameter(Name=r.physical_id, Value=str(p["Value"]), Type=p.get("Type", "String"),
                                         Overwrite=True)

    def create_secretsmanager_secret(self, r: Resource, p: dict[str, Any]) -> None:
        """As CloudFormation does: SecretString as given, GenerateSecretString generated (moto's
        GetRandomPassword with the same options), neither: an empty secret (a value is put later)."""
        args: dict[str, Any] = {"Name": p.get("Name") or r.physical_id.split(":")[-1]}
        if p.get("Description"):
            args["Description"] = p["Description"]
        if p.get("Tags"):
            args["Tags"] = _tags_list(p["Tags"])
        if p.get("SecretString") is not None:
            args["SecretString"] = str(p["SecretString"])
        elif p.get("GenerateSecretString"):
            args["SecretString"] = self._generated_secret(p["GenerateSecretString"])
        arn = self.client("secretsmanager").create_secret(**args)["ARN"]
        r.physical_id = r.attributes["Id"] = arn

    def _generated_secret(self, spec: dict[str, Any]) -> str:
        options = {k: spec[k] for k in ("PasswordLength", "ExcludeCharacters", "ExcludeNumbers", "ExcludePunctuation",
                                        "ExcludeUppercase", "ExcludeLowercase", "IncludeSpace",
                                        "RequireEachIncludedType") if k in spec}
        if "PasswordLength" in options:
            options["PasswordLength"] = int(options["PasswordLength"])
        for flag in set(options) - {"PasswordLength", "ExcludeCharacters"}:
            options[flag] = str(options[flag]).lower() == "true"
        password = self.client("secretsmanager").get_random_password(**options)["RandomPassword"]
        template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
        if template and key:  # a JSON secret: the template's fields plus the generated one
            return json.dumps({**json.loads(template), key: password})
        return password

    def create_elasticache_serverlesscache(self, r: Resource, p: dict[str, Any]) -> None:
        """The local Redis stands in for the cache (moto has no ElastiCache Serverless): its endpoint."""
        if not self.redis_url:
            raise ValueError("no local Redis to stand in for the cache")
        from urllib.parse import urlparse  # noqa: PLC0415

        local = urlparse(self.redis_url)
        r.attributes.update({"Endpoint.Address": local.hostname, "Endpoint.Port": str(local.port or 6379)})
        self.report.local.append((r.logical_id, f"the local Redis ({self.redis_url})"))

    # ------------------------------------------------------------------ events
    def create_events_eventbus(self, r: Resource, p: dict[str, Any]) -> None:
        arn = self.client("events").create_event_bus(Name=r.physical_id)["EventBusArn"]
        r.attributes["Arn"] = arn

    def create_events_rule(self, r: Resource, p: dict[str, Any]) -> None:
        events = self.client("events")
        bus = str(p.get("EventBusName", "default")).rsplit("/", 1)[-1]
        args: dict[str, Any] = {"Name": r.physical_id, "State": p.get("State", "ENABLED"), "EventBusName": bus}
        if "EventPattern" in p:
            args["EventPattern"] = json.dumps(p["EventPattern"]) if not isinstance(p["EventPattern"], str) else p["EventPattern"]
        if "ScheduleExpression" in p:
            args["ScheduleExpression"] = p["ScheduleExpression"]  # the local scheduler fires it
        if p.get("Description"):
            args["Description"] = p["Description"]
        r.attributes["Arn"] = events.put_rule(**args)["RuleArn"]
        targets = []
        for target in p.get("Targets", []):
            keep = {k: v for k, v in target.items() if k in (
                "Id", "Arn", "Input", "InputPath", "InputTransformer", "RetryPolicy", "DeadLetterConfig",
                "SqsParameters", "RoleArn")}
            targets.append(keep)
        if targets:
            events.put_targets(Rule=r.physical_id, EventBusName=bus, Targets=targets)

    # ------------------------------------------------------------------ identity
    def create_cognito_userpool(self, r: Resource, p: dict[str, Any]) -> None:
        args: dict[str, Any] = {"PoolName": p.get("UserPoolName", r.physical_id)}
        for key in ("Policies", "UsernameAttributes", "AutoVerifiedAttributes", "AliasAttributes", "MfaConfiguration",
                    "AccountRecoverySetting", "AdminCreateUserConfig", "UserPoolTags", "LambdaConfig"):
            if key in p:
                args[key] = p[key]
        if "Schema" in p:
            args["Schema"] = p["Schema"]
        pool = self.client("cognito-idp").create_user_pool(**args)["UserPool"]
        pool_id = pool["Id"]
        r.physical_id = pool_id
        r.attributes.update({
            "Arn": pool["Arn"], "UserPoolId": pool_id,
            "ProviderName": f"cognito-idp.{self.region}.amazonaws.com/{pool_id}",
            "ProviderURL": f"https://cognito-idp.{self.region}.amazonaws.com/{pool_id}",
        })

    def create_cognito_userpoolclient(self, r: Resource, p: dict[str, Any]) -> None:
        args = {k: v for k, v in p.items() if k in (
            "UserPoolId", "ClientName", "GenerateSecret", "ExplicitAuthFlows", "IdTokenValidity", "AccessTokenValidity",
            "RefreshTokenValidity", "TokenValidityUnits", "ReadAttributes", "WriteAttributes", "CallbackURLs",
            "LogoutURLs", "AllowedOAuthFlows", "AllowedOAuthScopes", "AllowedOAuthFlowsUserPoolClient",
            "SupportedIdentityProviders", "PreventUserExistenceErrors", "EnableTokenRevocation")}
        args.setdefault("ClientName", r.logical_id)
        client = self.client("cognito-idp").create_user_pool_client(**args)["UserPoolClient"]
        r.physical_id = client["ClientId"]
        r.attributes["ClientId"] = client["ClientId"]
        if client.get("ClientSecret"):
            r.attributes["ClientSecret"] = client["ClientSecret"]

    def create_cognito_userpoolgroup(self, r: Resource, p: dict[str, Any]) -> None:
        args = {k: v for k, v in p.items() if k in ("GroupName", "UserPoolId", "Description", "Precedence", "RoleArn")}
        args.setdefault("GroupName", r.physical_id)
        self.client("cognito-idp").create_group(**args)

    def create_iam_role(self, r: Resource, p: dict[str, Any]) -> None:
        iam = self.client("iam")
        arn = iam.create_role(RoleName=r.physical_id, Path=p.get("Path", "/"),
                              AssumeRolePolicyDocument=json.dumps(p["AssumeRolePolicyDocument"]))["Role"]["Arn"]
        r.attributes["Arn"] = arn
        for policy in p.get("Policies", []):
            document = {"Version": "2012-10-17", **policy["PolicyDocument"]}  # SAM leaves it out
            iam.put_role_policy(RoleName=r.physical_id, PolicyName=policy["PolicyName"],
                                PolicyDocument=json.dumps(document))

    def create_iam_policy(self, r: Resource, p: dict[str, Any]) -> None:
        for role in p.get("Roles", []):
            self.client("iam").put_role_policy(RoleName=role, PolicyName=p["PolicyName"],
                                               PolicyDocument=json.dumps(p["PolicyDocument"]))

    def create_apigateway_apikey(self, r: Resource, p: dict[str, Any]) -> None:
        key = self.client("apigateway").create_api_key(
            name=p.get("Name", r.logical_id), value=r.attributes["Value"], enabled=bool(p.get("Enabled", True))
        )
        r.physical_id = r.attributes["APIKeyId"] = key["id"]

    # ------------------------------------------------------------------ compute
    def create_lambda_layerversion(self, r: Resource, p: dict[str, Any]) -> None:
        name = p.get("LayerName") or r.physical_id.split(":")[-2]
        arn = self.client("lambda").publish_layer_version(
            LayerName=name, Content={"ZipFile": PLACEHOLDER_CODE}, CompatibleRuntimes=p.get("CompatibleRuntimes", []),
        )["LayerVersionArn"]
        if arn != r.physical_id:  # a second start in one moto: keep the path mapping on the real ARN
            r.physical_id = r.attributes["LayerVersionArn"] = arn

    def create_lambda_function(self, r: Resource, p: dict[str, Any]) -> None:
        lam = self.client("lambda")
        args: dict[str, Any] = {
            "FunctionName": r.physical_id, "Runtime": p.get("Runtime", "python3.12"), "Role": p["Role"],
            "Handler": p.get("Handler", "app.handler"), "Code": {"ZipFile": PLACEHOLDER_CODE},
            "Timeout": int(p.get("Timeout", 3)), "MemorySize": int(p.get("MemorySize", 128)),
        }
        for key in ("Environment", "Layers", "Description", "Architectures", "DeadLetterConfig", "TracingConfig"):
            if p.get(key):
                args[key] = p[key]
        r.attributes["Arn"] = lam.create_function(**args)["FunctionArn"]
        if p.get("ReservedConcurrentExecutions") is not None:
            lam.put_function_concurrency(FunctionName=r.physical_id,
                                         ReservedConcurrentExecutions=int(p["ReservedConcurrentExecutions"]))

    def create_lambda_version(self, r: Resource, p: dict[str, Any]) -> None:
        version = self.client("lambda").publish_version(FunctionName=p["FunctionName"])
        r.physical_id = version["FunctionArn"]
        r.attributes["Version"] = version["Version"]

    def create_lambda_alias(self, r: Resource, p: dict[str, Any]) -> None:
        version = str(p.get("FunctionVersion", "$LATEST"))
        alias = self.client("lambda").create_alias(FunctionName=p["FunctionName"], Name=p["Name"],
                                                   FunctionVersion=version)
        r.physical_id = alias["AliasArn"]

    def create_lambda_permission(self, r: Resource, p: dict[str, Any]) -> None:
        """The function's resource policy (the local IAM evaluates it from the template as well)."""
        function = str(p["FunctionName"])
        args: dict[str, Any] = {"StatementId": r.logical_id, "Action": p.get("Action", "lambda:InvokeFunction"),
                                "Principal": str(p["Principal"])}
        parts = function.split(":")
        if function.startswith("arn:") and len(parts) == 8:  # an alias or version ARN
            function, args["Qualifier"] = ":".join(parts[:7]), parts[7]
        for key in ("SourceArn", "SourceAccount", "EventSourceToken", "PrincipalOrgID", "FunctionUrlAuthType"):
            if p.get(key):
                args[key] = str(p[key])
        self.client("lambda").add_permission(FunctionName=function, **args)

    def create_lambda_eventsourcemapping(self, r: Resource, p: dict[str, Any]) -> None:
        args = {k: v for k, v in p.items() if k in (
            "EventSourceArn", "FunctionName", "BatchSize", "Enabled", "StartingPosition",
            "MaximumBatchingWindowInSeconds", "FunctionResponseTypes", "BisectBatchOnFunctionError",
            "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "DestinationConfig", "ParallelizationFactor")}
        r.physical_id = self.client("lambda").create_event_source_mapping(**args)["UUID"]

    def create_lambda_eventinvokeconfig(self, r: Resource, p: dict[str, Any]) -> None:
        args = {k: v for k, v in p.items() if k in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")}
        self.client("lambda").put_function_event_invoke_config(
            FunctionName=p["FunctionName"], Qualifier=str(p.get("Qualifier", "$LATEST")), **args
        )

    def create_stepfunctions_statemachine(self, r: Resource, p: dict[str, Any]) -> None:
        args: dict[str, Any] = {
            "name": r.attributes["Name"], "definition": r.metadata["Definition"], "roleArn": p["RoleArn"],
            "type": p.get("StateMachineType", "STANDARD"),
        }
        arn = self.client("stepfunctions").create_state_machine(**args)["stateMachineArn"]
        r.physical_id = r.attributes["Arn"] = arn

    # ------------------------------------------------------------------ operations
    def create_logs_loggroup(self, r: Resource, p: dict[str, Any]) -> None:
        logs = self.client("logs")
        logs.create_log_group(logGroupName=r.physical_id)
        if p.get("RetentionInDays"):
            logs.put_retention_policy(logGroupName=r.physical_id, retentionInDays=int(p["RetentionInDays"]))

    def create_cloudwatch_alarm(self, r: Resource, p: dict[str, Any]) -> None:
        keys = ("AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions", "InsufficientDataActions",
                "MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit",
                "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData",
                "Metrics", "ThresholdMetricId")
        args = {k: v for k, v in p.items() if k in keys}
        self.client("cloudwatch").put_metric_alarm(AlarmName=r.physical_id, **args)

    def create_cloudwatch_dashboard(self, r: Resource, p: dict[str, Any]) -> None:
        body = p["DashboardBody"]
        self.client("cloudwatch").put_dashboard(DashboardName=p.get("DashboardName", r.physical_id),
                                                DashboardBody=body if isinstance(body, str) else json.dumps(body))
