"""The shipped OpenAPI document is the one the code makes, and the generator refuses silent losses."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from scripts import openapi

SHIPPED = openapi.DEFAULT_OUTPUT


def _function(root: Path, service: str, op: str, source: str, **siblings: str) -> None:
    folder = root / "functions" / service / op
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(textwrap.dedent(source))
    for name, text in siblings.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(text))


@pytest.fixture(scope="module")
def document() -> dict:
    return openapi.build_document()


def test_shipped_document_is_up_to_date(document: dict):
    current = SHIPPED.read_text(encoding="utf-8")
    assert current == openapi.render(document), (
        "functions/docs/openapi/openapi.json is stale: run python -m scripts.openapi --write "
        "functions/docs/openapi/openapi.json"
    )


def test_document_has_every_user_and_product_route(document: dict):
    paths = document["paths"]
    assert {"post"} <= set(paths["/auth/signup"]) and {"post"} <= set(paths["/auth/login"])
    assert {"get", "patch"} <= set(paths["/me"])
    assert {"get", "post"} <= set(paths["/products"])
    assert {"get", "put", "delete"} <= set(paths["/products/{productId}"])
    assert "get" in paths["/products/search"]
    assert paths["/products"]["post"]["security"] == [{"CognitoAuthorizer": []}]


def test_function_importing_a_sibling_module_is_kept(tmp_path: Path):
    _function(
        tmp_path,
        "alpha",
        "get",
        """
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver
        from models import Thing
        app = APIGatewayRestResolver(enable_validation=True)
        @app.get("/things")
        def things() -> Thing:
            return Thing(name="x")
        """,
        models="from pydantic import BaseModel\nclass Thing(BaseModel):\n    name: str\n",
    )
    document = openapi.build_document(tmp_path)
    assert "/things" in document["paths"] and "Thing" in document["components"]["schemas"]


def test_two_models_with_one_component_name_fail_the_build(tmp_path: Path):
    for service, field in (("alpha", "name"), ("beta", "size")):
        _function(
            tmp_path,
            service,
            "get",
            f"""
            from aws_lambda_powertools.event_handler import APIGatewayRestResolver
            from pydantic import BaseModel
            class Thing(BaseModel):
                {field}: str
            app = APIGatewayRestResolver(enable_validation=True)
            @app.get("/{service}")
            def get() -> Thing:
                raise NotImplementedError
            """,
        )
    with pytest.raises(openapi.DocumentError, match="component 'Thing'"):
        openapi.build_document(tmp_path)


def test_a_function_that_fails_to_import_fails_the_build(tmp_path: Path):
    _function(tmp_path, "alpha", "get", "import not_a_module_anywhere\napp = None\n")
    with pytest.raises(openapi.DocumentError, match="failed to import"):
        openapi.build_document(tmp_path)


def test_functions_without_an_app_are_not_even_imported(tmp_path: Path):
    _function(tmp_path, "alpha", "on_change", "raise SystemExit('imported')\ndef handler(event, context):\n    return None\n")
    assert "paths" not in openapi.build_document(tmp_path)


def test_functions_import_with_the_environment_the_template_gives_them(tmp_path: Path):
    (tmp_path / "template.yaml").write_text(textwrap.dedent(
        """
        Parameters:
          Level: {Type: String, Default: INFO}
        Resources:
          AlphaFunction:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: functions/alpha/get/
              Environment:
                Variables:
                  ALPHA_TABLE: !Ref AlphaTable
                  ALPHA_LEVEL: !Ref Level
        """
    ))
    _function(
        tmp_path,
        "alpha",
        "get",
        """
        import os
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver
        TABLE, LEVEL = os.environ["ALPHA_TABLE"], os.environ["ALPHA_LEVEL"]
        app = APIGatewayRestResolver(enable_validation=True)
        @app.get(f"/alpha/{LEVEL.lower()}")
        def get() -> dict:
            return {}
        """,
    )
    assert "/alpha/info" in openapi.build_document(tmp_path)["paths"]
    assert "ALPHA_TABLE" not in os.environ
