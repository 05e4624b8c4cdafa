"""API Gateway mapping templates, as far as the gateway's own answers use them: `$context.<name>`
and `${context.<name>}` references (the mock integrations' and gateway responses' bodies). Written by
hand: those bodies use nothing else of VTL, and a VTL engine would be a dependency for one substitution."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

_REFERENCE = re.compile(r"\$(?:\{context\.([A-Za-z]+(?:\.[A-Za-z]+)*)\}|context\.([A-Za-z]+(?:\.[A-Za-z]+)*))")


def error_context(message: str, response_type: str) -> dict[str, str]:
    """The `$context.error.*` variables of a gateway response."""
    return {
        "error.message": message,
        "error.messageString": json.dumps(message),  # quoted, as API Gateway renders it
        "error.responseType": response_type,
    }


def render(template: str, context: Mapping[str, str]) -> str:
    """`template` with every known `$context` reference replaced (unknown ones stay, as VTL leaves them)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return context.get(name, match.group(0))

    return _REFERENCE.sub(replace, template)
