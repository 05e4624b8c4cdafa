"""IAM for the local cloud: who each key belongs to, what the template lets each role do, and a
decision (cached) for every request a role sends to the local AWS endpoint or a service makes on
a resource with a resource-based policy. Records what each role used, for the least-privilege report.

Identities: each execution environment, the state machine interpreter and each event source poller
get temporary credentials of their role (issued by moto's STS, so GetCallerIdentity answers the
assumed role). Any other key is the developer's administrator identity: never evaluated."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from localcloud.iam.policy import Caller, Decision, Grant, Policy, evaluate
from localcloud.iam.refusals import denied_message
from localcloud.iam.resources import Check, Where, lambda_function_arn
from localcloud.stack import Resource, Stack

# condition keys this evaluator supplies (a policy naming any other key is refused, with a log line)
GLOBAL_KEYS = {
    "aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:userid", "aws:requestedregion",
    "aws:securetransport", "aws:currenttime", "aws:epochtime", "aws:sourceip", "aws:useragent",
    "aws:sourcearn", "aws:sourceaccount", "aws:principalservicename", "aws:principalisawsservice",
}
SERVICE_KEYS = {"events:source", "events:detail-type", "secretsmanager:secretid", "dynamodb:select",
                "dynamodb:returnvalues", "dynamodb:returnconsumedcapacity"}
KEY_PREFIXES = ("aws:principaltag/",)
VOLATILE_KEYS = {"aws:currenttime", "aws:epochtime", "aws:sourceip", "aws:useragent", "aws:userid"}
CACHE_LIMIT = 20_000


def known_key(key: str) -> bool:
    return key in GLOBAL_KEYS or key in SERVICE_KEYS or key.startswith(KEY_PREFIXES)


@dataclass
class Session:
    """Temporary credentials of one role session (a Lambda environment, the state machine, a poller)."""

    role_arn: str
    name: str
    access_key: str
    secret_key: str
    token: str
    caller: Caller

    def environment(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_SESSION_TOKEN": self.token}


@dataclass
class Role:
    arn: str
    logical_id: str
    role_id: str
    policies: tuple[Policy, ...]
    tags: dict[str, str] = field(default_factory=dict)
    cacheable: bool = True  # no policy reads a key that changes per request (time, source IP...)
    used: set[tuple[str, str]] = field(default_factory=set)  # (action, resource) allowed
    grants_used: set[Grant] = field(default_factory=set)


@dataclass
class Denial:
    caller: str
    action: str
    resource: str
    message: str
    at: float


class IamEnforcer:
    def __init__(self, stack: Stack, *, enabled: bool = True, log: Callable[[str], None] = print) -> None:
        self.stack = stack
        self.enabled = enabled
        self.log = log
        self.account = stack.account_id
        self.roles: dict[str, Role] = {}
        self.resource_policies: dict[str, Policy] = {}  # from the template (queues: read live from moto)
        self._parsed: dict[str, Policy] = {}
        self.sessions: dict[str, Session] = {}  # access key id -> session
        self._by_role_session: dict[tuple[str, str], Session] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._cache: dict[tuple[Any, ...], Decision] = {}
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        self.denials: deque[Denial] = deque(maxlen=500)
        self.requests_checked = 0
        self.warnings: list[str] = []
        self._load_roles()
        self._load_resource_policies()

    # ------------------------------------------------------------------ policies from the stack
    def _load_roles(self) -> None:
        managed = _managed_documents(self.stack)
        attached: dict[str, list[Policy]] = {}
        for resource in self.stack.of_type("AWS::IAM::Policy") + self.stack.of_type("AWS::IAM::ManagedPolicy"):
            props = resource.properties
            policy = Policy.parse(str(props.get("PolicyName") or props.get("ManagedPolicyName") or resource.logical_id),
                                  props["PolicyDocument"])
            for role in props.get("Roles", []) or []:
                attached.setdefault(str(role).rsplit("/", 1)[-1], []).append(policy)
        for resource in self.stack.of_type("AWS::IAM::Role"):
            props = resource.properties
            policies = [Policy.parse(str(p["PolicyName"]), p["PolicyDocument"]) for p in props.get("Policies", []) or []]
            for arn in props.get("ManagedPolicyArns", []) or []:
                document = managed.get(str(arn))
                if document is None:
                    self._warn(f"{resource.logical_id}: managed policy {arn} is unknown locally: it grants nothing here")
                    continue
                policies.append(Policy.parse(str(arn), document))
            policies += attached.get(resource.physical_id, [])
            if props.get("PermissionsBoundary"):
                self._warn(f"{resource.logical_id}: permissions boundaries are not modelled (ignored)")
            keys = {key for policy in policies for key in policy.condition_keys()}
            tags = {str(t["Key"]): str(t["Value"]) for t in props.get("Tags", []) or [] if isinstance(t, dict)}
            arn = str(resource.attributes.get("Arn"))
            self.roles[arn] = Role(arn=arn, logical_id=resource.logical_id,
                                   role_id=str(resource.attributes.get("RoleId", "AROA" + resource.logical_id.upper()[:17])),
                                   policies=tuple(policies), tags=tags, cacheable=not keys & VOLATILE_KEYS)

    def _load_resource_policies(self) -> None:
        where = Where(self.account, self.stack.region)
        statements: dict[str, list[dict[str, Any]]] = {}
        for permission in self.stack.of_type("AWS::Lambda::Permission"):
            props = permission.properties
            arn = lambda_function_arn(str(props["FunctionName"]), None, where)
            statements.setdefault(arn, []).append(_permission_statement(permission, arn))
        for arn, items in statements.items():
            self.resource_policies[arn] = Policy.parse(f"function policy of {arn.split(':', 6)[-1]}",
                                                       {"Version": "2012-10-17", "Statement": items})
        for policy in self.stack.of_type("AWS::SNS::TopicPolicy"):
            for topic in policy.properties.get("Topics", []) or []:
                self.resource_policies[str(topic)] = Policy.parse(f"topic policy {policy.logical_id}",
                                                                  policy.properties["PolicyDocument"])
        for policy in self.stack.of_type("AWS::SecretsManager::ResourcePolicy"):
            document = policy.properties["ResourcePolicy"]
            document = json.loads(document) if isinstance(document, str) else document
            self.resource_policies[str(policy.properties["SecretId"])] = Policy.parse(
                f"secret policy {policy.logical_id}", document)

    def resource_policy(self, arn: str) -> Policy | None:
        """The resource-based policy of `arn`. A queue's is read from moto each time, since clients
        set it with SetQueueAttributes as often as templates do (AWS::SQS::QueuePolicy is provisioned so)."""
        if not arn.startswith("arn:aws:sqs:"):
            return self.resource_policies.get(arn)
        from moto.sqs.models import sqs_backends

        _, _, _, region, account, name = arn.split(":", 5)
        queue = sqs_backends[account][region].queues.get(name)
        text = queue.policy if queue is not None else None
        if not text:
            return None
        parsed = self._parsed.get(text)
        if parsed is None:
            parsed = self._parsed[text] = Policy.parse(f"queue policy of {name}", json.loads(text))
        return parsed

    # ------------------------------------------------------------------ credentials
    def session(self, role_arn: str, name: str) -> Session:
        """The credentials of `role_arn` for session `name`, issued once (pollers, the state machine)."""
        with self._lock:
            found = self._by_role_session.get((role_arn, name))
        if found is None:
            found = self.issue(role_arn, name)
            with self._lock:
                found = self._by_role_session.setdefault((role_arn, name), found)
        return found

    def issue(self, role_arn: str, name: str) -> Session:
        """New temporary credentials of `role_arn`, issued by moto's STS (GetCallerIdentity then
        answers the assumed role); each execution environment gets its own, as in Lambda."""
        from moto.sts.models import sts_backends
        from moto.utilities.utils import get_partition

        assumed = sts_backends[self.account][get_partition(self.stack.region)].assume_role(
            region_name=self.stack.region, role_session_name=name, role_arn=role_arn, policy="", duration=43200,
            external_id="",
        )
        caller = Caller(arn=f"arn:aws:sts::{self.account}:assumed-role/{role_arn.rsplit('/', 1)[-1]}/{name}",
                        account=self.account, role_arn=role_arn)
        session = Session(role_arn, name, assumed.access_key_id, assumed.secret_access_key, assumed.session_token, caller)
        with self._lock:
            self.sessions[session.access_key] = session
        return session

    def client(self, role_arn: str, name: str, service: str, endpoint: str, region: str, **kwargs: Any) -> Any:
        """A boto3 client acting as `role_arn` (session `name`), for the local cloud's own callers."""
        key = (role_arn, name, service)
        with self._lock:
            found = self._clients.get(key)
        if found is not None:
            return found
        import boto3
        from botocore.config import Config

        session = self.session(role_arn, name)
        created = boto3.session.Session().client(
            service, endpoint_url=endpoint, region_name=region, aws_access_key_id=session.access_key,
            aws_secret_access_key=session.secret_key, aws_session_token=session.token,
            config=kwargs.pop("config", Config(retries={"max_attempts": 1})), **kwargs,
        )
        with self._lock:
            self._clients[key] = created
        return created

    # ------------------------------------------------------------------ decisions
    def authorize(self, session: Session, checks: Iterable[Check], region: str, *, source_ip: str = "127.0.0.1",
                  user_agent: str = "") -> str | None:
        """None when every check passes; else AWS's refusal message for the first refused one
        (logged and recorded)."""
        role = self.roles.get(session.role_arn)
        for check in checks:
            decision = self._decide(session, role, check, region, source_ip, user_agent)
            if decision.allowed:
                if role is not None:
                    role.used.add((check.action, check.resource))
                    role.grants_used.update(decision.grants)
                continue
            return self._refused(session.caller.arn, check, decision)
        return None

    def _decide(self, session: Session, role: Role | None, check: Check, region: str, source_ip: str,
                user_agent: str) -> Decision:
        self.requests_checked += 1
        resource_policy = self.resource_policy(check.resource)
        cache_key = None
        if role is not None and role.cacheable:
            cache_key = (role.arn, region, check.action.lower(), check.resource, check.context, id(resource_policy))
            cached = self._cache.get(cache_key)
            if cached is not None:
                return cached
        now = time.time()
        context: dict[str, Any] = {
            "aws:principalarn": session.role_arn, "aws:principalaccount": self.account,
            "aws:principaltype": "AssumedRole", "aws:requestedregion": region, "aws:securetransport": "true",
            "aws:currenttime": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "aws:epochtime": str(int(now)), "aws:sourceip": source_ip, "aws:useragent": user_agent,
            "aws:principalisawsservice": "false",
            "aws:userid": f"{role.role_id if role else 'AROA'}:{session.name}",
        }
        if role is not None:
            context.update({f"aws:principaltag/{k.lower()}": v for k, v in role.tags.items()})
        context.update(dict(check.context))
        decision = evaluate(session.caller, check.action, check.resource, context,
                            identity=role.policies if role else (), resource_policy=resource_policy, known=known_key)
        self._note_unknown(decision)
        if cache_key is not None:
            self._remember(cache_key, decision)
        return decision

    def authorize_service(self, service: str, action: str, resource: str, *, source_arn: str | None = None,
                          source_account: str | None = None) -> Decision:
        """An AWS service acting on a resource (API Gateway or EventBridge invoking a function,
        EventBridge sending to a queue): only the resource's own policy can allow it."""
        policy = self.resource_policy(resource)
        key = ("service", service, action.lower(), resource, source_arn, source_account, id(policy))
        decision = self._cache.get(key)
        if decision is None:
            caller = Caller(arn=service, account=self.account, service=service)
            context: dict[str, Any] = {"aws:principalservicename": service, "aws:principalisawsservice": "true",
                                       "aws:securetransport": "true", "aws:requestedregion": self.stack.region,
                                       "aws:sourceaccount": source_account or self.account}
            if source_arn:
                context["aws:sourcearn"] = source_arn
            decision = evaluate(caller, action, resource, context, resource_policy=policy, known=known_key)
            self._note_unknown(decision)
            self._remember(key, decision)
        if not decision.allowed:
            because = "because no resource-based policy allows it" if decision.reason == "implicit" else \
                decision.because(action)
            self._refused(service, Check(action, resource), decision, because=because)
        return decision

    def _remember(self, key: tuple[Any, ...], decision: Decision) -> None:
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = decision

    def _refused(self, caller: str, check: Check, decision: Decision, because: str | None = None) -> str:
        message = denied_message(caller, check.action, check.resource, because or decision.because(check.action))
        self.denials.append(Denial(caller, check.action, check.resource, message, time.time()))
        self.log(f"IAM denied: {message}")
        return message

    def _note_unknown(self, decision: Decision) -> None:
        for key in decision.unknown_keys:
            self._warn(f"condition key {key} is not modelled by the local IAM evaluator: the statement denies")

    def _warn(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        self.warnings.append(message)
        self.log(f"IAM: {message}")

    # ------------------------------------------------------------------ what was used
    def usage(self) -> dict[str, Any]:
        """Per role: every grant (Allow statement x action pattern x resource pattern), whether a
        request used it, and the (action, resource) pairs allowed; plus the refusals."""
        roles = {}
        for role in self.roles.values():
            grants = []
            for policy in role.policies:
                for statement in policy.statements:
                    if statement.effect != "Allow":
                        continue
                    for action in statement.actions or ("NotAction",):
                        for resource in statement.resources or (("NotResource",) if statement.not_resources else ()):
                            used = any(g.policy == policy.name and g.statement == statement.index and g.action == action
                                       and g.resource == resource for g in role.grants_used)
                            grants.append({"policy": policy.name, "statement": statement.index, "action": action,
                                           "resource": resource, "used": used})
            roles[role.logical_id] = {"arn": role.arn, "grants": grants, "used": sorted(map(list, role.used))}
        return {"enabled": self.enabled, "stack": self.stack.name, "roles": roles,
                "requestsChecked": self.requests_checked, "warnings": list(self.warnings),
                "denied": [{"caller": d.caller, "action": d.action, "resource": d.resource, "message": d.message}
                           for d in list(self.denials)]}

    def reset_usage(self) -> None:
        """Forget what was used so far (to see what one flow uses); the refusals stay."""
        for role in self.roles.values():
            role.used = set()
            role.grants_used = set()

    def normalized_usage(self) -> dict[str, Any]:
        """usage() with the stack's physical names, account and region as ${LogicalId}, ${AWS::...}:
        comparable across local clouds of one template."""
        return json.loads(normalize(json.dumps(self.usage()), self.stack))


def _permission_statement(permission: Resource, function_arn: str) -> dict[str, Any]:
    """An AWS::Lambda::Permission as the statement Lambda adds to the function's policy."""
    props = permission.properties
    principal = str(props["Principal"])
    if principal == "*":
        who: Any = "*"
    elif principal.endswith(".amazonaws.com") or principal.endswith(".amazonaws.com.cn"):
        who = {"Service": principal}
    else:
        who = {"AWS": principal if principal.startswith("arn:") else f"arn:aws:iam::{principal}:root"}
    statement: dict[str, Any] = {"Sid": permission.logical_id, "Effect": "Allow", "Principal": who,
                                 "Action": str(props.get("Action", "lambda:InvokeFunction")), "Resource": function_arn}
    condition: dict[str, dict[str, str]] = {}
    if props.get("SourceArn"):
        condition.setdefault("ArnLike", {})["AWS:SourceArn"] = str(props["SourceArn"])
    if props.get("SourceAccount"):
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = str(props["SourceAccount"])
    if props.get("PrincipalOrgID"):
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = str(props["PrincipalOrgID"])
    if props.get("FunctionUrlAuthType"):
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = str(props["FunctionUrlAuthType"])
    if condition:
        statement["Condition"] = condition
    return statement


def _managed_documents(stack: Stack) -> dict[str, dict[str, Any]]:
    """Managed policy documents by ARN: the stack's own, and AWS's (moto ships their documents)."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    documents: dict[str, dict[str, Any]] = {}
    wanted = {str(a) for r in stack.of_type("AWS::IAM::Role") for a in r.properties.get("ManagedPolicyArns", []) or []}
    if any(a.startswith("arn:aws:iam::aws:policy/") for a in wanted):
        for name, spec in json.loads(aws_managed_policies_data).items():
            arn = f"arn:aws:iam::aws:policy{spec.get('Path', '/')}{name}"
            if arn in wanted:
                documents[arn] = spec["Document"]
    for resource in stack.of_type("AWS::IAM::ManagedPolicy"):
        documents[resource.physical_id] = resource.properties["PolicyDocument"]
    return documents


def normalize(text: str, stack: Stack) -> str:
    """Physical names and ids of the stack's resources as ${LogicalId}; account and region too."""
    names = sorted(((str(r.physical_id), lid) for lid, r in stack.resources.items()
                    if isinstance(r.physical_id, str) and len(r.physical_id) >= 6 and not r.physical_id.isdigit()),
                   key=lambda pair: -len(pair[0]))
    for physical, logical in names:
        text = text.replace(physical, "${" + logical + "}")
    text = text.replace(f":{stack.account_id}:", ":${AWS::AccountId}:").replace(f":{stack.region}:", ":${AWS::Region}:")
    return re.sub(rf"(?<![\w-]){re.escape(stack.name)}(?![\w])", "${AWS::StackName}", text)
