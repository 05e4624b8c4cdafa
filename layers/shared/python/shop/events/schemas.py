"""JSON Schemas of the domain events, generated from the models: the contract producers and consumers share.

    python -m shop.events.schemas --write events/schemas   # (re)write <EventType>.v<N>.json
    python -m shop.events.schemas --check events/schemas   # exit 1 when a file is missing, stale or extra

Each file is the envelope (as it sits in EventBridge `detail`) with that event's typed data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shop.events import event_models
from shop.events.envelope import EventData, envelope_model

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_filename(model: type[EventData]) -> str:
    return f"{model.event_type}.v{model.schema_version}.json"


def event_schema(model: type[EventData]) -> dict[str, Any]:
    """The JSON Schema of one event's envelope, with `$schema`, `$id` and `title`."""
    schema = envelope_model(model).model_json_schema(by_alias=True, mode="serialization")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_filename(model),
        "title": f"{model.event_type} v{model.schema_version}",
        "x-source": model.source,
        "x-detail-type": model.event_type,
        **{key: value for key, value in schema.items() if key != "title"},
    }


def render(model: type[EventData]) -> str:
    return json.dumps(event_schema(model), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files() -> dict[str, str]:
    """File name -> content of every schema the models define."""
    return {schema_filename(model): render(model) for model in event_models()}


def write(directory: Path) -> list[str]:
    """Write every schema (and remove schemas no model defines); returns the names that changed."""
    directory.mkdir(parents=True, exist_ok=True)
    expected = expected_files()
    changed = []
    for name, content in expected.items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            changed.append(name)
    for stale in directory.glob("*.v*.json"):
        if stale.name not in expected:
            stale.unlink()
            changed.append(stale.name)
    return changed


def check(directory: Path) -> list[str]:
    """Problems that make the committed schemas differ from the models (empty when up to date)."""
    expected = expected_files()
    problems = []
    for name, content in expected.items():
        path = directory / name
        if not path.exists():
            problems.append(f"missing: {name}")
        elif path.read_text(encoding="utf-8") != content:
            problems.append(f"out of date: {name}")
    problems += [f"no model: {p.name}" for p in sorted(directory.glob("*.v*.json")) if p.name not in expected]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shop.events.schemas", description=__doc__.splitlines()[0]
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", metavar="DIR", type=Path, help="write the schemas into DIR")
    action.add_argument("--check", metavar="DIR", type=Path, help="exit 1 when DIR is not up to date")
    args = parser.parse_args(argv)
    if args.write:
        changed = write(args.write)
        print(f"{len(changed)} schema file(s) changed in {args.write}" + "".join(f"\n  {n}" for n in changed))
        return 0
    problems = check(args.check)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run `make schemas` and commit events/schemas/", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
