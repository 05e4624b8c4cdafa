"""Helpers for the local API Gateway tests: template.yaml plus a few test routes, translated by
aws-sam-translator and resolved by a tiny resolver (tests only), a fake invoker, a real uvicorn.
(Not named conftest: another test folder's conftest would shadow it on import.)"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from localcloud.gateway import GatewayServer, LocalApiGateway, start_gateway
from localcloud.invoker import InvokeResult
from localcloud.stack import Resource, Stack

ROOT = Path(__file__).resolve().parents[3]
STACK_NAME = "gwtest"
REGION = "us-east-1"
ACCOUNT = "123456789012"
API_ID = "gwapi12345"

# Test routes added to the real API (its CORS, Cognito authorizer, usage plan, throttling).
TEST_FUNCTIONS: dict[str, dict[str, dict[str, Any]]] = {
    "EchoFunction": {
        "GetItem": {"Path": "/items/{itemId}", "Method": "GET"},
        "PostItem": {"Path": "/items", "Method": "POST"},
        # Not one ANY event: with the API's MergeDefinitions, SAM writes it as an "any" key API Gateway ignores.
        **{f"Public{m}": {"Path": "/public/{proxy+}", "Method": m, "Auth": {"Authorizer": "NONE"}} for m in ("GET", "PUT", "POST")},
        "Files": {"Path": "/files/{bucket}/{proxy+}", "Method": "GET", "Auth": {"Authorizer": "NONE"}},
        "Exact": {"Path": "/files/{bucket}/special", "Method": "GET", "Auth": {"Authorizer": "NONE"}},
    },
    "PartnerFunction": {
        "Orders": {"Path": "/partner/orders", "Method": "GET", "Auth": {"Authorizer": "NONE", "ApiKeyRequired": True}},
    },
    "LimitedFunction": {
        "Get": {"Path": "/limited", "Method": "GET", "Auth": {"Authorizer": "NONE"}},
    },
}


def function_name(logical_id: str) -> str:
    return f"{STACK_NAME}-{logical_id}"


def translate(template: dict[str, Any]) -> dict[str, Any]:
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri", "DefinitionUri", "Location"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://local-code/{props[key]}"
    return transform(template, {}, NoManagedPolicies())


def load_template(with_test_routes: bool = True) -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse((ROOT / "template.yaml").read_text())
    if with_test_routes:
        for logical_id, events in TEST_FUNCTIONS.items():
            template["Resources"][logical_id] = {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": "functions/health/check/",
                    "Events": {
                        name: {"Type": "Api", "Properties": {"RestApiId": {"Ref": "ShopApi"}, **props}}
                        for name, props in events.items()
                    },
                },
            }
    return template


class TinyResolver:
    """Just enough of CloudFormation for the API resources: physical ids, Ref, GetAtt, Sub, Join."""

    def __init__(self, cfn: dict[str, Any], physical_ids: dict[str, str]) -> None:
        self.cfn = cfn
        self.params = {k: str(v.get("Default", "")) for k, v in cfn.get("Parameters", {}).items()}
        self.params.update({"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": STACK_NAME})
        self.params["AWS::Partition"] = "aws"
        self.ids: dict[str, str] = {}
        self.attributes: dict[str, dict[str, str]] = {}
        for logical_id, resource in cfn["Resources"].items():
            kind = resource["Type"]
            physical = physical_ids.get(logical_id) or {
                "AWS::ApiGateway::RestApi": API_ID,
                "AWS::Lambda::Function": function_name(logical_id),
            }.get(kind, f"{logical_id.lower()}-id")
            self.ids[logical_id] = physical
            if kind == "AWS::Lambda::Function":
                self.attributes[logical_id] = {"Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{physical}"}
            elif kind == "AWS::Cognito::UserPool":
                self.attributes[logical_id] = {
                    "Arn": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{physical}",
                    "ProviderName": f"cognito-idp.{REGION}.amazonaws.com/{physical}",
                }
        for logical_id, resource in cfn["Resources"].items():
            if resource["Type"] == "AWS::ApiGateway::Stage":
                self.ids[logical_id] = self.resolve(resource["Properties"]["StageName"])

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            name = value["Ref"]
            # Names the gateway never reads (AWS::NoValue, AWS::URLSuffix, ...) get a placeholder.
            return self.params.get(name) if name in self.params else self.ids.get(name, f"{name}-ref")
        if set(value) == {"Fn::GetAtt"}:
            logical_id, attribute = value["Fn::GetAtt"]
            return self._attribute(logical_id, attribute)
        if set(value) == {"Fn::Sub"}:
            text, variables = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
            return self._sub(text, {k: self.resolve(v) for k, v in variables.items()})
        if set(value) == {"Fn::Join"}:
            separator, parts = value["Fn::Join"]
            return separator.join(str(self.resolve(p)) for p in parts)
        return {k: self.resolve(v) for k, v in value.items()}

    def _attribute(self, logical_id: str, attribute: str) -> str:
        # Attributes the gateway never reads (role ARNs, queue ARNs, ...) get a placeholder.
        return self.attributes.get(logical_id, {}).get(attribute, f"{logical_id}.{attribute}")

    def _sub(self, text: str, variables: dict[str, Any]) -> str:


        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return self._attribute(logical_id, attribute)
            return str(self.resolve({"Ref": name}))

        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    def stack(self) -> Stack:
        resources = {
            logical_id: Resource(
                logical_id=logical_id,
                type=resource["Type"],
                properties=self.resolve(resource.get("Properties", {})),
                physical_id=self.ids[logical_id],
                attributes=self.attributes.get(logical_id, {}),
            )
            for logical_id, resource in self.cfn["Resources"].items()
        }
        return Stack(name=STACK_NAME, region=REGION, account_id=ACCOUNT, resources=resources, parameters=self.params)


Handler = Callable[[dict[str, Any]], InvokeResult]


def ok_json(body: Any, status: int = 200) -> InvokeResult:
    return InvokeResult(payload={"statusCode": status, "body": json.dumps(body)})


class FakeInvoker:
    """Records every event; answers with a per-function handler (default: echo the event)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()

    def invoke(self, function_name: str, event: dict[str, Any], *, source: str = "api") -> InvokeResult:
        with self._lock:
            self.calls.append((function_name, event))
        handler = self.handlers.get(function_name)
        if handler is None:
            return ok_json({"function": function_name, "source": source})
        return handler(event)

    @property
    def last_event(self) -> dict[str, Any]:
        return self.calls[-1][1]


class RunningGateway:
    def __init__(self, gateway: LocalApiGateway, server: GatewayServer, invoker: FakeInvoker) -> None:
        self.gateway = gateway
        self.server = server
        self.invoker = invoker
        self.client = httpx.Client(base_url=server.url, timeout=10)


class GatewayRunner:
    """Starts gateways over stacks on free ports and stops all it started."""

    def __init__(self) -> None:
        self.running: list[RunningGateway] = []

    def __call__(self, stack: Stack, **options: Any) -> RunningGateway:
        invoker = FakeInvoker()
        options.setdefault("quiet", True)
        gateway = LocalApiGateway(stack, invoker, options.pop("aws_endpoint", "http://127.0.0.1:1"), **options)
        server = start_gateway(gateway, "127.0.0.1", 0)
        self.running.append(RunningGateway(gateway, server, invoker))
        return self.running[-1]

    def stop_all(self) -> None:
        for item in self.running:
            item.client.close()
            item.server.stop()
            item.gateway.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gateway_error(code: str, message: str) -> dict[str, Any]:
    """The body of the gateway's own answer, as the template's GatewayResponses shape it."""
    return {"error": {"code": code, "message": message, "details": None}}


def resource_of_type(stack: Stack, kind: str) -> Resource:
    (resource,) = stack.of_type(kind)
    return resource
