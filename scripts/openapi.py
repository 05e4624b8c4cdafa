"""Build the ONE OpenAPI document of the API from every function's resolver and pydantic models.

    python -m scripts.openapi --write functions/docs/openapi/openapi.json   # regenerate
    python -m scripts.openapi --check functions/docs/openapi/openapi.json   # exit 1 when stale

Every `functions/*/*/app.py` with a module-level resolver named `app` is loaded on its own (its
folder first on sys.path, its sibling modules forgotten afterwards): OpenAPIMerge.discover() puts
only the search root on the path and silently drops a function that imports a sibling module.
Two different models with one component name, or one route in two functions, fail the build
(OpenAPIMerge would keep one of them without a word).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "functions" / "docs" / "openapi" / "openapi.json"
TITLE = "Serverless Shop API"
VERSION = "1.0.0"
SECURITY_SCHEMES = {
    "CognitoAuthorizer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The Cognito id token from POST /auth/login (Authorization: Bearer <idToken>)",
    }
}


class DocumentError(RuntimeError):
    """The functions do not make one consistent document (a clash, or a function that will not load)."""


def function_files(root: Path = ROOT) -> list[Path]:
    return sorted((root / "functions").glob("*/*/app.py"))


def template_environments(root: Path = ROOT) -> dict[Path, dict[str, str]]:
    """Each function folder's environment variables as template.yaml sets them (Globals included).

    Values the template computes (!Ref, !GetAtt, !Sub) become placeholders: importing a module
    needs the variable to exist, not to point at a real table.
    """
    template_file = root / "template.yaml"
    if not template_file.exists():
        return {}
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse(template_file.read_text(encoding="utf-8"))
    defaults = {name: str(p["Default"]) for name, p in (template.get("Parameters") or {}).items() if "Default" in p}
    shared = ((template.get("Globals") or {}).get("Function") or {}).get("Environment", {}).get("Variables", {})
    environments: dict[Path, dict[str, str]] = {}
    for resource in (template.get("Resources") or {}).values():
        properties = resource.get("Properties") or {}
        code_uri = properties.get("CodeUri")
        if resource.get("Type") != "AWS::Serverless::Function" or not isinstance(code_uri, str):
            continue
        variables = {**shared, **((properties.get("Environment") or {}).get("Variables") or {})}
        environments[(root / code_uri).resolve()] = {
            name: _placeholder(name, value, defaults) for name, value in variables.items()
        }
    return environments


def _placeholder(name: str, value: Any, defaults: dict[str, str]) -> str:
    """A literal as is, a !Ref to a parameter as its default, anything else a recognisable stand-in."""
    if isinstance(value, str | int | float | bool):
        return str(value)
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in defaults:
        return defaults[value["Ref"]]
    return f"openapi-build-{name.lower()}"


@contextmanager
def _environment(variables: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def binds_app(app_file: Path) -> bool:
    """Whether the module binds a top-level `app` (HTTP functions do; stream and event consumers are
    not imported at all, so their import-time side effects never run here)."""
    tree = ast.parse(app_file.read_text(encoding="utf-8"), filename=str(app_file))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(target, ast.Name) and target.id == "app" for target in targets):
            return True
        if isinstance(node, ast.ImportFrom) and any((alias.asname or alias.name) == "app" for alias in node.names):
            return True
    return False


def load_resolver(app_file: Path, environment: dict[str, str] | None = None) -> Any | None:
    """The function's resolver (`app` with get_openapi_schema), or None for non-HTTP functions."""
    if not binds_app(app_file):
        return None
    folder = app_file.parent
    name = f"_openapi_{folder.parent.name}_{folder.name}"
    before = set(sys.modules)
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location(name, app_file)
        if spec is None or spec.loader is None:
            raise DocumentError(f"cannot load {app_file}")
        module = importlib.util.module_from_spec(spec)
        try:
            with _environment(environment or {}):
                spec.loader.exec_module(module)
        except Exception as exc:  # a broken function must fail the build, not vanish from the document
            raise DocumentError(f"{app_file.relative_to(app_file.parents[3])} failed to import: {exc!r}") from exc
    finally:
        sys.path.remove(str(folder))
        # sibling modules (e.g. a function's own models.py) must not leak into the next function
        for module_name in set(sys.modules) - before:
            file = getattr(sys.modules[module_name], "__file__", None) or ""
            if module_name == name or file.startswith(str(folder)):
                del sys.modules[module_name]
    resolver = getattr(module, "app", None)
    return resolver if callable(getattr(resolver, "get_openapi_schema", None)) else None


def bare_response_returns(app_file: Path) -> list[str]:
    """Handlers annotated `-> Response`: Powertools can build no schema from it (and with validation on
    it fails at run time); the build refuses them (use Response[Model] or no annotation)."""
    tree = ast.parse(app_file.read_text(encoding="utf-8"), filename=str(app_file))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.decorator_list
        and isinstance(node.returns, ast.Name | ast.Attribute) and ast.unparse(node.returns).endswith("Response")
    ]


def _schema_of(resolver: Any) -> dict[str, Any]:
    # through Powertools' own JSON serialiser: the document as the merge will see it
    return json.loads(resolver.get_openapi_json_schema(title=TITLE, version=VERSION, security_schemes=SECURITY_SCHEMES))


def build_document(root: Path = ROOT) -> dict[str, Any]:
    from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

    # handlers read these lazily, but some libraries want a region at import
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    # some modules build boto3 clients at import (no call is made): they only need credentials to exist
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "openapi-build")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "openapi-build")
    merge = OpenAPIMerge(
        title=TITLE,
        version=VERSION,
        description="One Lambda per operation behind API Gateway. Errors: {\"error\": {\"code\", \"message\", \"details\"}}.",
        security_schemes=SECURITY_SCHEMES,
        on_conflict="error",
    )
    components: dict[str, tuple[Path, Any]] = {}
    environments = template_environments(root)
    for app_file in function_files(root):
        resolver = load_resolver(app_file, environments.get(app_file.parent.resolve()))
        if resolver is None:
            continue
        bare = bare_response_returns(app_file)
        if bare:
            raise DocumentError(f"{app_file.relative_to(root)} {', '.join(bare)}: a bare `-> Response` return "
                                "annotation documents nothing: use Response[Model] or no annotation")
        try:
            schema = _schema_of(resolver)
        except Exception as exc:  # name the function: Powertools' own message does not
            raise DocumentError(
                f"{app_file.relative_to(root)}: its routes make no OpenAPI schema ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0]})"
            ) from exc
        for name, definition in (schema.get("components") or {}).get("schemas", {}).items():
            seen = components.get(name)
            if seen is not None and seen[1] != definition:
                raise DocumentError(
                    f"component {name!r} differs between {seen[0].relative_to(root)} and "
                    f"{app_file.relative_to(root)}: give one of the models another name"
                )
            components[name] = (app_file, definition)
        merge.add_schema(schema)
    # through Powertools' serialiser: enums and models become JSON, unset fields disappear
    return json.loads(merge.get_openapi_json_schema())


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", type=Path, metavar="FILE", help="write the document to FILE")
    action.add_argument("--check", type=Path, metavar="FILE", help="exit 1 when FILE is not up to date")
    args = parser.parse_args(argv)
    try:
        text = render(build_document())
    except DocumentError as exc:
        print(f"openapi: {exc}", file=sys.stderr)
        return 2
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write} ({len(text)} bytes)")
        return 0
    if args.check:
        current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
        if current != text:
            print(f"{args.check} is out of date: run python -m scripts.openapi --write {args.check}", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
