"""Field types for request models whose JSON Schema says exactly what validation enforces.

The API document is generated from these models and fuzzed against the running API, so a type may
not be stricter or looser than its schema: no coercion the schema does not show ("3" for 3), no
normalisation that changes what a constraint sees (stripping before a length check). Patterns are
read alike by pydantic and by the fuzzer's validator when they spell out their classes (`$` is the end).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, Strict, StringConstraints


def _integral_float_as_int(value: Any) -> Any:
    # JSON Schema's "integer" includes 1.0; "1", true and 1.5 stay refused by the strict int.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def Integer(*, ge: int | None = None, gt: int | None = None, le: int | None = None, description: str | None = None) -> Any:  # noqa: N802
    """A JSON integer within bounds: 3 and 3.0, never "3", true or 3.5."""
    # constraints before the validator, or pydantic cannot show them in the JSON Schema
    return Annotated[
        int, Strict(), Field(ge=ge, gt=gt, le=le, description=description), BeforeValidator(_integral_float_as_int)
    ]


# Character classes spelled out: `\s`, `\S` and `.` differ between pydantic's regex engine and the JSON
# Schema (ECMA-262) reading of the fuzzer's validator (U+0085, U+FEFF, line separators).
NOT_SPACE = r"[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
NOT_LINE_BREAK = r"[^\n\r\u2028\u2029]"
# Text that starts and ends with a visible character (no silent stripping), on one line.
TRIMMED_LINE_PATTERN = rf"^{NOT_SPACE}({NOT_LINE_BREAK}*{NOT_SPACE})?$"


def TrimmedText(max_length: int) -> Any:  # noqa: N802
    """One line of 1..`max_length` characters, no leading or trailing whitespace."""
    return Annotated[str, StringConstraints(max_length=max_length, pattern=TRIMMED_LINE_PATTERN)]
