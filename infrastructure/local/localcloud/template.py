"""template.yaml -> Stack: SAM translated to CloudFormation offline, conditions evaluated, every
intrinsic resolved in dependency order, physical ids and ARNs given per resource type."""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Callable
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

from localcloud.intrinsics import Context, TemplateError, evaluate_conditions, references, resolve
from localcloud.physical import physical_identity
from localcloud.stack import Resource, Stack

CODE_BUCKET = "localcloud-code"  # placeholder bucket: its keys are folders relative to the template
LOCAL_URI_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
    "AWS::Serverless::Application": "Location",  # a nested template built at deploy time (the payment sandbox)
}

# called for each resource once its properties are resolved: may replace physical id / attributes
OnResource = Callable[[Resource], None]


def default_account_id() -> str:
    from moto.core import DEFAULT_ACCOUNT_ID  # the account moto answers as: never hard-coded here

    return DEFAULT_ACCOUNT_ID


class _StubManagedPolicyLoader:
    """The translator asks IAM for managed policy ARNs; its bundled map answers, so nothing is fetched."""

    def load(self, *args: Any, **kwargs: Any) -> dict[str, str]:
        return {}


def _is_local(uri: Any) -> bool:
    return isinstance(uri, str) and not uri.startswith("s3://")


def _inline_local_uris(template: dict[str, Any], base: Path) -> None:
    """Point local code folders at placeholder S3 URIs (the key is the folder) and inline ASL files."""
    globals_function = template.get("Globals", {}).get("Function", {})
    for resource in template.get("Resources", {}).values():
        kind = resource.get("Type")
        key = LOCAL_URI_PROPERTIES.get(kind)
        if not key:
            continue
        props = resource.setdefault("Properties", {})
        uri = props.get(key, globals_function.get(key) if kind == "AWS::Serverless::Function" else None)
        if kind == "AWS::Serverless::StateMachine":
            if _is_local(uri):
                props.pop(key)
                props["Definition"] = json.loads((base / uri).read_text())
            continue
        if _is_local(uri):
            relative = os.path.relpath((base / uri).resolve(), base).replace(os.sep, "/").rstrip("/")
            props[key] = f"s3://{CODE_BUCKET}/{relative}"


def translate(template_path: str | Path, region: str) -> dict[str, Any]:
    """The SAM template as plain CloudFormation (the file on disk is left as SAM wants it)."""
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    path = Path(template_path).resolve()
    template = yaml_parse(path.read_text())
    _inline_local_uris(template, path.parent)
    if "Transform" not in template:
        return template
    saved = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region  # the translator reads the region from the environment
    try:
        return transform(template, {}, _StubManagedPolicyLoader())
    finally:
        if saved is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = saved


def _parameter_values(declared: dict[str, Any], overrides: dict[str, str]) -> dict[str, Any]:
    unknown = set(overrides) - set(declared)
    if unknown:
        raise TemplateError(f"parameter overrides for undeclared parameters: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in overrides:
            value: Any = overrides[name]
        elif "Default" in spec:
            value = spec["Default"]
        else:
            raise TemplateError(f"parameter {name} has no default: pass --parameter-overrides {name}=...")
        if "AllowedValues" in spec and str(value) not in [str(v) for v in spec["AllowedValues"]]:
            raise TemplateError(f"parameter {name}={value!r} is not one of {spec['AllowedValues']}")
        kind = spec.get("Type", "String")
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            value = value if isinstance(value, list) else [v.strip() for v in str(value).split(",")]
        else:
            value = str(value)
        values[name] = value
    return values


def _local_path(properties: dict[str, Any], key: str, base: Path) -> str | None:
    location = properties.get(key)
    if isinstance(location, dict) and location.get("S3Bucket") == CODE_BUCKET:
        return str((base / location["S3Key"]).resolve())
    return None


def _apply_definition(properties: dict[str, Any]) -> str | None:
    """The state machine's ASL as a string with its DefinitionSubstitutions filled in."""
    definition = properties.get("DefinitionString")
    if definition is None and "Definition" in properties:
        definition = json.dumps(properties["Definition"])
    if definition is None:
        return None
    for name, value in (properties.get("DefinitionSubstitutions") or {}).items():
        definition = definition.replace("${" + name + "}", str(value))
    return definition


def build_stack(
    template_path: str | Path,
    *,
    stack_name: str = "shop-local",
    region: str = "us-east-1",
    account_id: str | None = None,
    parameter_overrides: dict[str, str] | None = None,
    on_resource: OnResource | None = None,
    translated: dict[str, Any] | None = None,
) -> Stack:
    """Resolve the template into a Stack. `on_resource` (the provisioner) runs per resource in
    dependency order and may set the real physical id and attributes before dependents resolve."""
    base = Path(template_path).resolve().parent
    account_id = account_id or default_account_id()
    cfn = copy.deepcopy(translated) if translated is not None else translate(template_path, region)
    parameters = _parameter_values(cfn.get("Parameters", {}), parameter_overrides or {})
    resources: dict[str, Resource] = {}
    declared = cfn.get("Resources", {})

    def ref(name: str) -> Any:
        return resources[name].physical_id if name in resources else None

    def get_att(name: str, attribute: str) -> Any:
        if name not in resources:
            return None
        return resources[name].attributes.get(attribute)

    ctx = Context(
        region=region, account_id=account_id, stack_name=stack_name, parameters=parameters,
        mappings=cfn.get("Mappings", {}), ref=ref, get_att=get_att,
    )
    evaluate_conditions(cfn.get("Conditions", {}), ctx)
    active = {lid: spec for lid, spec in declared.items() if ctx.conditions.get(spec.get("Condition", ""), True)}

    graph: dict[str, set[str]] = {}
    for logical_id, spec in active.items():
        depends = spec.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        needed = references(spec.get("Properties", {})) | set(depends)
        graph[logical_id] = {name for name in needed if name in active}
    try:
        sorter = TopologicalSorter(graph)
        order = list(sorter.static_order())
    except CycleError as error:
        raise TemplateError(f"circular dependency between resources: {error.args[1]}") from None

    for logical_id in order:
        spec = active[logical_id]
        try:
            properties = resolve(spec.get("Properties", {}), ctx)
        except TemplateError as error:
            raise TemplateError(f"{logical_id}: {error}") from None
        physical_id, attributes = physical_identity(
            spec["Type"], logical_id, properties, stack=stack_name, region=region, account=account_id
        )
        metadata = dict(spec.get("Metadata", {}))
        code_dir = _local_path(properties, "Code", base) or _local_path(properties, "Content", base)
        if code_dir:
            metadata["LocalPath"] = code_dir
        if spec["Type"] == "AWS::StepFunctions::StateMachine":
            metadata["Definition"] = _apply_definition(properties)
        resource = Resource(
            logical_id=logical_id, type=spec["Type"], properties=properties,
            physical_id=physical_id, attributes=attributes, metadata=metadata,
        )
        resources[logical_id] = resource
        if on_resource is not None:
            on_resource(resource)

    ordered = {lid: resources[lid] for lid in order}
    outputs: dict[str, Any] = {}
    for name, output in cfn.get("Outputs", {}).items():
        if ctx.conditions.get(output.get("Condition", ""), True):
            outputs[name] = resolve(output.get("Value"), ctx)
    return Stack(
        name=stack_name, region=region, account_id=account_id, resources=ordered,
        parameters={k: v for k, v in parameters.items()}, outputs=outputs,
    )
