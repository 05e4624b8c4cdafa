"""Local execution environments: worker processes that run the functions of the resolved Stack."""

from __future__ import annotations

from pathlib import Path

from localcloud.runtime.pool import LocalRuntime
from localcloud.runtime.worker import FunctionSpec
from localcloud.stack import Stack

__all__ = ["FunctionSpec", "LocalRuntime", "function_specs"]


def _layer_dir(path: str) -> str:
    # a built layer keeps its packages under python/; the source folder here is the package root
    nested = Path(path) / "python"
    return str(nested) if nested.is_dir() else path


def function_specs(stack: Stack) -> list[FunctionSpec]:
    """One FunctionSpec per AWS::Lambda::Function whose code is a local folder."""
    layers = {
        r.physical_id: r.metadata["LocalPath"]
        for r in stack.of_type("AWS::Lambda::LayerVersion")
        if "LocalPath" in r.metadata
    }
    specs = []
    for resource in stack.of_type("AWS::Lambda::Function"):
        props = resource.properties
        code_dir = resource.metadata.get("LocalPath")
        if not code_dir:
            continue  # inline or S3 code: not runnable here (reported by the provisioner)
        reserved = props.get("ReservedConcurrentExecutions")
        specs.append(FunctionSpec(
            name=resource.physical_id,
            arn=resource.attributes["Arn"],
            handler=props.get("Handler", "app.handler"),
            code_dir=code_dir,
            runtime=props.get("Runtime", "python3.12"),
            timeout_s=float(props.get("Timeout", 3)),
            memory_mb=int(props.get("MemorySize", 128)),
            environment={k: str(v) for k, v in (props.get("Environment") or {}).get("Variables", {}).items()},
            layer_dirs=[_layer_dir(layers[arn]) for arn in props.get("Layers", []) if arn in layers],
            reserved_concurrency=int(reserved) if reserved is not None else None,
            logical_id=resource.logical_id,
            role_arn=str(props.get("Role", "")),
        ))
    return specs
