"""The local cloud, assembled: moto endpoint, provisioned stack, execution environments, hooks,
pollers, scheduler and the local API gateway. `LocalCloud.start()` / `.stop()`."""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localcloud import hooks
from localcloud.awsendpoint import AwsEndpoint, start_endpoint
from localcloud.console import CONSOLE_FILES, Console, ConsoleApp, EmbeddedMetrics, EventLog, eventlog
from localcloud.dispatch import Dispatcher
from localcloud.iam import IamEnforcer
from localcloud.provision import Provisioner, ProvisionReport
from localcloud.runtime import LocalRuntime, function_specs
from localcloud.runtime.pool import print_log
from localcloud.runtime.worker import FunctionSpec, LogSink
from localcloud.sources import DynamoDBStreamPoller, Scheduler, SqsPoller, scheduled_event
from localcloud.stack import Resource, Stack
from localcloud.template import build_stack, default_account_id, translate


@dataclass
class CloudConfig:
    template: Path
    stack_name: str = "shop-local"
    region: str = "us-east-1"
    host: str = "127.0.0.1"
    aws_port: int = 4566
    api_port: int | None = 3000  # None: no API gateway
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    account_concurrency: int = 1000
    idle_seconds: float = 300.0
    environments_per_function: int = 8  # local cap on processes per function (more invocations queue)
    redis_url: str | None = None  # the template's L2 cache: CacheMode=external with this CacheUrl (see _cache_parameters)
    # the payment sandbox (infrastructure/payment_sandbox) for a template with a PaymentProviderUrl
    # parameter that no override sets; port 0 = a free one. It gets the values of the template's
    # payment secrets (SANDBOX_SECRETS) once they exist, and the PaymentPublishableKey parameter.
    payment_sandbox: bool = True
    payment_sandbox_port: int = 0
    retry_settings: hooks.Settings = field(default_factory=hooks.Settings)
    # the storefront's built files (default: frontend/dist beside the template) on a port of their own
    # (0: a free one; None: not served); the console is served under /_localcloud/console/ on the AWS port
    storefront_port: int | None = 0
    storefront_dir: Path | None = None
    iam: bool = True  # evaluate the template's policies on every request a role makes (False: --iam off)
    iam_usage: Path | None = None  # where stop() writes what each role used (the least-privilege report)


# The template's secrets whose values the payment sandbox must hold too (it is the other side of them).
SANDBOX_SECRET_KEY = "PaymentProviderSecretKey"
SANDBOX_WEBHOOK_SECRET = "PaymentWebhookSigningSecret"


class LocalCloud:
    def __init__(self, config: CloudConfig, *, progress: Callable[[str], None] = print,
                 function_log: LogSink | None = None) -> None:
        self.config = config
        self.progress = progress
        self.function_log = function_log
        self.endpoint: AwsEndpoint | None = None
        self.stack: Stack | None = None
        self.runtime: LocalRuntime | None = None
        self.dispatcher = Dispatcher()
        self.pollers: list[Any] = []
        self.scheduler: Scheduler | None = None
        self.gateway: Any = None
        self.gateway_server: Any = None
        self.report = ProvisionReport()
        self.started_at = 0.0
        self.ready_seconds = 0.0
        self.gateway_error: str | None = None
        self.timings: dict[str, float] = {}  # seconds per startup phase, for the summary
        self.sandbox: Any = None
        self.event_log = EventLog()  # what went on the buses, for the console
        self.embedded_metrics: EmbeddedMetrics | None = None  # EMF metrics from the function logs
        self.storefront: Any = None
        self.iam: IamEnforcer | None = None
        self._clients: dict[str, Any] = {}

    # ------------------------------------------------------------------ start
    @property
    def aws_url(self) -> str:
        return f"http://{self.config.host}:{self.config.aws_port}"

    @property
    def api_url(self) -> str | None:
        return f"http://{self.config.host}:{self.config.api_port}" if self.config.api_port else None

    def start(self) -> LocalCloud:
        self.started_at = time.monotonic()
        cfg = self.config
        self.progress(f"starting the AWS endpoint (moto) on {self.aws_url} ...")
        self.endpoint = start_endpoint(cfg.host, cfg.aws_port)
        self.progress("translating template ...")
        mark = time.monotonic()
        translated = translate(cfg.template, cfg.region)
        self.timings["translate"] = time.monotonic() - mark
        count = len(translated.get("Resources", {}))
        parameters = dict(cfg.parameter_overrides)
        self._cache_parameters(translated.get("Parameters", {}), parameters)
        self._start_payment_sandbox(translated.get("Parameters", {}), parameters)
        self.progress(f"creating {count} resources ...")
        mark = time.monotonic()
        account_id = default_account_id()
        provisioner = Provisioner(self.aws_url, cfg.region, account_id, redis_url=cfg.redis_url)
        # hooks first: moto must never invoke inside a write, even while the stack is being created
        self.runtime = LocalRuntime([], aws_endpoint=self.aws_url, region=cfg.region)
        hooks.install(self.runtime, self.dispatcher, send_sqs=self._send_sqs, start_execution=self._start_execution,
                      settings=cfg.retry_settings)
        self.stack = build_stack(
            cfg.template, stack_name=cfg.stack_name, region=cfg.region, account_id=account_id,
            parameter_overrides=parameters, on_resource=provisioner, translated=translated,
        )
        self.report = provisioner.report
        self._serve_serverless_cache()
        self._hand_secrets_to_sandbox()
        self.timings["resources"] = time.monotonic() - mark
        mark = time.monotonic()
        for logical_id, error in self.report.failed:
            self.progress(f"  ! {logical_id}: {error}")
        network = [lid for lid, kind in self.report.not_emulated if kind.startswith("AWS::EC2::")]
        if network:  # CacheMode=serverless: one line for the whole VPC
            self.progress(f"  - not emulated: the VPC (CacheMode=serverless: {len(network)} AWS::EC2 resources - "
                          f"subnets, security groups, endpoints, NAT gateways); functions reach everything directly")
        for logical_id, kind in self.report.not_emulated:
            if not kind.startswith("AWS::EC2::"):
                self.progress(f"  - not emulated: {logical_id} ({kind})")
        self.runtime.close()
        self.iam = IamEnforcer(self.stack, enabled=cfg.iam, log=self._log_always)
        self.embedded_metrics = EmbeddedMetrics(self.function_log or print_log)
        runtime_kwargs: dict[str, Any] = {"log": self.embedded_metrics}
        self.runtime = LocalRuntime(
            function_specs(self.stack), aws_endpoint=self.aws_url, region=cfg.region,
            account_concurrency=cfg.account_concurrency, idle_seconds=cfg.idle_seconds,
            environments_per_function=cfg.environments_per_function, credentials=self._environment_credentials,
            **runtime_kwargs,
        )
        hooks.install(self.runtime, self.dispatcher, send_sqs=self._send_sqs, start_execution=self._start_execution,
                      settings=cfg.retry_settings, on_async_failure=self._async_failed,
                      async_retries=self._async_retry_counts(),
                      authorize_service=self._authorize_service if cfg.iam else None,
                      state_client=self._state_client)
        self.endpoint.iam.enforcer = self.iam
        self._start_sources(provisioner)
        if cfg.api_port:
            self._start_gateway()
        eventlog.install(self.event_log)
        self._start_web(account_id)
        self.timings["runtime+gateway"] = time.monotonic() - mark
        assert self.endpoint is not None
        self.endpoint.control.on_write = self._wake_pollers
        self.endpoint.control.target = self
        self.ready_seconds = time.monotonic() - self.started_at
        return self

    def _start_sources(self, provisioner: Provisioner) -> None:
        assert self.stack is not None and self.runtime is not None
        queues = {r.attributes["Arn"]: r.physical_id for r in self.stack.of_type("AWS::SQS::Queue")}
        for mapping in self.stack.of_type("AWS::Lambda::EventSourceMapping"):
            props = mapping.properties
            if props.get("Enabled", True) is False:
                continue
            arn = props["EventSourceArn"]
            function = str(props["FunctionName"])
            service = arn.split(":")[2]
            # Lambda's pollers read the stream or queue, and send to on-failure destinations, as the function's role
            role = self._role_of(function)
            send = functools.partial(self._send_sqs, role=role)
            if service == "dynamodb":
                poller: Any = DynamoDBStreamPoller(props, function, self.runtime,
                                                   self._client("dynamodbstreams", role, function), send,
                                                   self.config.region)
            elif service == "sqs" and arn in queues:
                poller = SqsPoller(props, function, self.runtime, self._client("sqs", role, function), queues[arn],
                                   self.config.region)
            else:
                self.progress(f"  - not emulated: event source {mapping.logical_id} ({arn})")
                continue
            self.pollers.append(poller)
            poller.start()
        self.dispatcher.pollers = self.pollers
        scheduled = [r for r in self.stack.of_type("AWS::Events::Rule") if r.properties.get("ScheduleExpression")]
        if scheduled:
            self.scheduler = Scheduler(scheduled, self._fire_rule)
            self.scheduler.start()

    def _cache_parameters(self, declared: dict[str, Any], parameters: dict[str, str]) -> None:
        """The template's L2 cache is this machine's Redis: CacheMode=external with its URL, unless told
        otherwise (CacheMode=none runs without one; CacheMode=serverless: see _serve_serverless_cache)."""
        if "CacheMode" not in declared or not self.config.redis_url:
            return
        if parameters.setdefault("CacheMode", "external") == "external" and "CacheUrl" in declared:
            parameters.setdefault("CacheUrl", self.config.redis_url)
        self.progress(f"  L2 cache: CacheMode={parameters['CacheMode']}"
                      + ("" if parameters["CacheMode"] == "none" else f" (the Redis at {self.config.redis_url})"))

    def _serve_serverless_cache(self) -> None:
        """CacheMode=serverless: the ElastiCache Serverless cache is this machine's Redis. Its endpoint
        speaks TLS in AWS (rediss://); the local Redis does not, so the functions get its plain URL."""
        assert self.stack is not None
        caches = self.stack.of_type("AWS::ElastiCache::ServerlessCache")
        if not caches or not self.config.redis_url:
            return
        from urllib.parse import urlparse

        local = urlparse(self.config.redis_url)
        tls_url = f"rediss://{local.hostname}:{local.port or 6379}"
        for function in self.stack.of_type("AWS::Lambda::Function"):
            variables = (function.properties.get("Environment") or {}).get("Variables") or {}
            for name, value in variables.items():
                if value == tls_url:
                    variables[name] = self.config.redis_url
        self.progress(f"  L2 cache: the ServerlessCache is the Redis at {self.config.redis_url} (no TLS locally)")

    def _start_payment_sandbox(self, declared: dict[str, Any], parameters: dict[str, str]) -> None:
        """The stand-in card processor, listening before the stack is built so that its URL goes to
        the template; it knows no key until `_hand_secrets_to_sandbox` (the secrets do not exist yet).
        A template that would deploy the sandbox itself (PaymentProcessor=sandbox: a nested application)
        gets this one instead, as PaymentProcessor=external at its URL."""
        cfg = self.config
        if not cfg.payment_sandbox or "PaymentProviderUrl" not in declared or "PaymentProviderUrl" in parameters:
            return
        if parameters.get("PaymentProcessor", declared.get("PaymentProcessor", {}).get("Default")) == "external":
            return
        root = str(cfg.template.resolve().parent)
        if root not in sys.path:
            sys.path.append(root)
        try:
            from infrastructure.payment_sandbox.server import start_sandbox
        except ImportError as error:
            self.progress(f"  ! no payment sandbox ({error}): PaymentProviderUrl keeps its default")
            return
        self.progress("starting the payment sandbox ...")
        self.sandbox = start_sandbox(cfg.host, cfg.payment_sandbox_port, accounts=())
        parameters["PaymentProviderUrl"] = self.sandbox.url
        if "PaymentProcessor" in declared:
            parameters["PaymentProcessor"] = "external"

    def _hand_secrets_to_sandbox(self) -> None:
        """Give the sandbox what the template's payment secrets hold, read back from Secrets Manager as
        the functions read them: the secret key (with the PaymentPublishableKey parameter, one merchant
        account) and the webhook signing secret (its webhooks then go to the local API)."""
        if self.sandbox is None or self.stack is None:
            return
        values: dict[str, str] = {}
        for logical_id in (SANDBOX_SECRET_KEY, SANDBOX_WEBHOOK_SECRET):
            resource = self.stack.resources.get(logical_id)
            if resource is None or resource.type != "AWS::SecretsManager::Secret":
                self.progress(f"  ! the template has no secret {logical_id}: the payment sandbox lacks it")
                continue
            try:
                values[logical_id] = self._client("secretsmanager").get_secret_value(
                    SecretId=resource.physical_id)["SecretString"]
            except Exception as error:  # noqa: BLE001 - e.g. a prod stage's empty secret: say so, go on
                self.progress(f"  ! secret {logical_id} has no value ({type(error).__name__}): put it with "
                              f"put-secret-value; the payment sandbox does not know it")
        if SANDBOX_SECRET_KEY in values:
            self.sandbox.add_account(values[SANDBOX_SECRET_KEY], self.stack.parameters.get("PaymentPublishableKey"))
        if SANDBOX_WEBHOOK_SECRET in values and self.api_url:
            self.sandbox.send_webhooks(f"{self.api_url}/payments/webhook", values[SANDBOX_WEBHOOK_SECRET])

    def _wake_pollers(self) -> None:
        for poller in self.pollers:
            poller.poke()

    def _start_gateway(self) -> None:
        try:
            from localcloud.gateway import LocalApiGateway, start_gateway
        except ImportError as error:
            self.gateway_error = f"no local API gateway ({error})"
            self.progress(f"  ! {self.gateway_error}")
            return
        permission = None
        if self.config.iam:
            def permission(function_arn: str, source_arn: str) -> bool:
                return self._authorize_service("apigateway.amazonaws.com", "lambda:InvokeFunction", function_arn,
                                               source_arn)
        self.gateway = LocalApiGateway(self.stack, self.runtime, aws_endpoint=self.aws_url, invoke_permission=permission)
        self.gateway_server = start_gateway(self.gateway, self.config.host, self.config.api_port)

    @property
    def storefront_dir(self) -> Path:
        return self.config.storefront_dir or self.config.template.resolve().parent / "frontend" / "dist"

    @property
    def console_url(self) -> str:
        return f"{self.aws_url}/_localcloud/console/"

    def _start_web(self, account_id: str) -> None:
        """The console on the AWS port, and the storefront's files on a port of their own."""
        from localcloud.website import StaticSite

        assert self.endpoint is not None and self.stack is not None and self.embedded_metrics is not None
        console = Console(stack=self.stack, client=self._client, runtime=self.runtime, events=self.event_log,
                          metrics=self.embedded_metrics, redis_url=self.config.redis_url, account_id=account_id,
                          region=self.config.region)
        self.endpoint.control.extension = ConsoleApp(console, CONSOLE_FILES)
        site = self.storefront_dir
        if self.config.storefront_port is None or not self.api_url:
            return
        if not (site / "index.html").is_file():
            self.progress(f"  ! no storefront: {site} is not built (make local builds it)")
            return
        config = {"apiUrl": self.api_url, "consoleUrl": self.console_url}
        self.storefront = StaticSite(site, self.config.host, self.config.storefront_port, config).start()

    # ------------------------------------------------------------------ deliveries
    def _client(self, service: str, role: str | None = None, session: str = "localcloud") -> Any:
        """A client of the local endpoint: as `role` (session `session`) with IAM, else the administrator."""
        if role is not None and self.iam is not None:
            return self.iam.client(role, session, service, self.aws_url, self.config.region)
        if service not in self._clients:
            import boto3
            from botocore.config import Config

            self._clients[service] = boto3.session.Session().client(
                service, endpoint_url=self.aws_url, region_name=self.config.region, aws_access_key_id="test",
                aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}),
            )
        return self._clients[service]

    def _role_of(self, function_name: str) -> str | None:
        """The execution role of a function (name or ARN), from the template."""
        assert self.stack is not None and self.runtime is not None
        name = self.runtime.resolve_name(function_name) or function_name
        function = next((f for f in self.stack.of_type("AWS::Lambda::Function") if f.physical_id == name), None)
        return str(function.properties["Role"]) if function is not None and function.properties.get("Role") else None

    def _environment_credentials(self, spec: FunctionSpec) -> dict[str, str]:
        """Fresh temporary credentials of the function's role for one execution environment."""
        if self.iam is None or not spec.role_arn:
            return {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "test"}
        return self.iam.issue(spec.role_arn, spec.name).environment()

    def _state_client(self, role_arn: str | None, service: str, region: str) -> Any:
        """What moto's Step Functions interpreter calls Lambda and direct integrations with: the state
        machine's role (session named after the state machine), no retries, a task's long timeout."""
        from botocore.config import Config

        assert self.stack is not None
        config = Config(parameter_validation=False, retries={"max_attempts": 0, "total_max_attempts": 1},
                        connect_timeout=10, read_timeout=900)
        if role_arn is None or self.iam is None:
            import boto3

            return boto3.session.Session().client(service, endpoint_url=self.aws_url, region_name=region,
                                                  aws_access_key_id="test", aws_secret_access_key="test", config=config)
        machine = next((m.attributes.get("Name") for m in self.stack.of_type("AWS::StepFunctions::StateMachine")
                        if m.properties.get("RoleArn") == role_arn), None)
        return self.iam.client(role_arn, str(machine or "states"), service, self.aws_url, region, config=config)

    def _authorize_service(self, service: str, action: str, resource: str, source_arn: str) -> bool:
        assert self.iam is not None
        return self.iam.authorize_service(service, action, resource, source_arn=source_arn).allowed

    def _log_always(self, message: str) -> None:
        print(message, flush=True)

    def _queue_url(self, queue_arn: str) -> str:
        assert self.stack is not None
        for queue in self.stack.of_type("AWS::SQS::Queue"):
            if queue.attributes["Arn"] == queue_arn:
                return queue.physical_id
        _, _, _, _, account, name = queue_arn.split(":", 5)
        return self._client("sqs").get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]

    def _send_sqs(self, queue_arn: str, body: str, attributes: dict[str, Any], role: str | None = None) -> None:
        """Send to a queue: as `role` (a function's DLQ or destination), else as the local cloud itself."""
        message_attributes = {k: {"DataType": "String", "StringValue": str(v) or "-"} for k, v in attributes.items()}
        self._client("sqs", role, "lambda-destinations").send_message(
            QueueUrl=self._queue_url(queue_arn), MessageBody=body, MessageAttributes=message_attributes)

    def _start_execution(self, state_machine_arn: str, payload: str, role_arn: str | None = None) -> None:
        """EventBridge starting a state machine target with the target's RoleArn (required, as in AWS)."""
        import uuid

        if role_arn is None and self.config.iam:
            raise PermissionError(f"AccessDenied: the target {state_machine_arn} has no RoleArn to start it with")
        self._client("stepfunctions", role_arn, "events").start_execution(
            stateMachineArn=state_machine_arn, input=payload, name=str(uuid.uuid4()))

    def _invoke_configs(self) -> dict[str, dict[str, Any]]:
        assert self.stack is not None
        configs = {}
        for config in self.stack.of_type("AWS::Lambda::EventInvokeConfig"):
            name = str(config.properties["FunctionName"]).split(":")[-1]
            configs[name] = config.properties
        return configs

    def _async_retry_counts(self) -> dict[str, int]:
        return {name: int(props["MaximumRetryAttempts"]) for name, props in self._invoke_configs().items()
                if "MaximumRetryAttempts" in props}

    def _async_failed(self, function_name: str, event: dict[str, Any], result: Any) -> None:
        """Lambda's last resort for an async event: the on-failure destination, else the function's DLQ."""
        assert self.stack is not None and self.runtime is not None
        name = self.runtime.resolve_name(function_name) or function_name
        on_failure = ((self._invoke_configs().get(name, {}).get("DestinationConfig") or {}).get("OnFailure") or {})
        function = next((f for f in self.stack.of_type("AWS::Lambda::Function") if f.physical_id == name), None)
        dlq = ((function.properties.get("DeadLetterConfig") or {}).get("TargetArn") if function else None)
        target = on_failure.get("Destination") or dlq
        if not target or target.split(":")[2] != "sqs":
            self.progress(f"  ! async event for {name} dropped after retries ({result.error_type})")
            return
        role = self._role_of(name)  # Lambda sends to the DLQ or destination with the function's role
        if on_failure.get("Destination"):
            body = json.dumps({"version": "1.0", "requestContext": {"functionArn": name, "condition": "RetriesExhausted"},
                               "requestPayload": event, "responseContext": {"functionError": result.error_type},
                               "responsePayload": result.payload})
            self._send_sqs(target, body, {}, role=role)
        else:
            self._send_sqs(target, json.dumps(event), {"ErrorCode": "200", "ErrorMessage": json.dumps(result.payload)[:1000]},
                           role=role)

    def _fire_rule(self, rule: Resource) -> None:
        assert self.stack is not None
        event = scheduled_event(rule, self.stack)
        for target in rule.properties.get("Targets", []):
            service = target["Arn"].split(":")[2]
            payload = json.loads(target["Input"]) if target.get("Input") else event
            if service in ("lambda", "states"):
                self.dispatcher.submit(hooks.deliver_to_target, rule.attributes["Arn"], target, payload, 0, time.time())
            elif service == "sqs":
                self.dispatcher.submit(self._send_sqs, target["Arn"], json.dumps(payload), {})

    # ------------------------------------------------------------------ control API
    def health(self) -> dict[str, Any]:
        assert self.stack is not None and self.runtime is not None
        return {
            "ready": True, "stack": self.stack.name, "region": self.stack.region, "awsUrl": self.aws_url,
            "apiUrl": self.api_url if self.gateway_server else None,
            "functions": sorted(self.runtime.pools), "pollers": [p.name for p in self.pollers],
            "schedules": sorted(self.scheduler.rules) if self.scheduler else [],
            "notEmulated": [f"{lid} ({kind})" for lid, kind in self.report.not_emulated],
            "failed": [f"{lid}: {error}" for lid, error in self.report.failed],
            "outputs": self.stack.outputs, "paymentSandboxUrl": self.sandbox.url if self.sandbox else None,
            "paymentPublishableKey": self.sandbox.publishable_key if self.sandbox else None,
            "storefrontUrl": self.storefront.url if self.storefront else None, "consoleUrl": self.console_url,
            "iam": {"enforced": bool(self.iam and self.iam.enabled), "roles": len(self.iam.roles) if self.iam else 0},
            "readySeconds": round(self.ready_seconds, 3),
            "startupSeconds": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def function_stats(self) -> dict[str, Any]:
        assert self.runtime is not None
        return self.runtime.stats()

    def iam_usage(self) -> dict[str, Any]:
        """What each role was granted and used, and the refusals (GET /_localcloud/iam)."""
        return self.iam.usage() if self.iam is not None else {"enabled": False, "roles": {}, "denied": []}

    def reset_iam_usage(self) -> None:
        if self.iam is not None:
            self.iam.reset_usage()

    def write_iam_usage(self, path: Path) -> None:
        """The usage with physical names as ${LogicalId}: `make iam-report` merges these files."""
        assert self.iam is not None
        record = {"template": str(self.config.template.resolve()), "parameters": self.config.parameter_overrides,
                  "recordedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **self.iam.normalized_usage()}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=1))

    def run_schedule(self, rule: str) -> bool:
        return self.scheduler is not None and self.scheduler.fire(rule)

    def drain(self, timeout: float = 30.0) -> bool:
        return self.dispatcher.drain(timeout)

    def reset_counters(self) -> None:
        assert self.runtime is not None
        self.runtime.reset_counters()
        if self.embedded_metrics is not None:
            self.embedded_metrics.reset()

    # ------------------------------------------------------------------ stop
    def stop(self) -> None:
        """Stop everything this local cloud started: workers, gateway, pollers, moto."""
        if self.config.iam_usage is not None and self.iam is not None and self.iam.enabled:
            try:
                self.write_iam_usage(self.config.iam_usage)
            except OSError as error:
                self.progress(f"  ! could not write the IAM usage to {self.config.iam_usage}: {error}")
        if self.gateway_server is not None:
            self.gateway_server.stop()
            self.gateway_server = None
        if self.storefront is not None:
            self.storefront.stop()
            self.storefront = None
        eventlog.uninstall()
        if self.scheduler is not None:
            self.scheduler.stop()
        for poller in self.pollers:
            poller.stop()
        self.dispatcher.close()
        hooks.uninstall()
        if self.runtime is not None:
            self.runtime.close()
        if self.endpoint is not None:
            self.endpoint.stop()
            self.endpoint = None
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None
