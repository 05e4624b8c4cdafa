"""The Lambda proxy integration's two halves: the REST API (v1) event built from an HTTP request, and
the function's proxy response turned back into HTTP (or refused as malformed, as API Gateway does)."""

from __future__ import annotations

import base64
import binascii
import fnmatch
from typing import Any
from urllib.parse import parse_qsl

_RESPONSE_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})
_header_names: dict[bytes, str] = {}


class MalformedProxyResponse(ValueError):
    """The function answered something API Gateway cannot turn into HTTP (it answers 502)."""


def header_name(raw: bytes) -> str:
    """ASGI servers lower-case header names; hand functions the usual Title-Case instead."""
    name = _header_names.get(raw)
    if name is None:
        name = "-".join(part.capitalize() for part in raw.decode("latin-1").split("-"))
        if len(_header_names) < 4096:
            _header_names[raw] = name
    return name


def collect_headers(raw_headers: list[tuple[bytes, bytes]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    headers: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for raw_name, raw_value in raw_headers:
        name = header_name(raw_name)
        value = raw_value.decode("latin-1")
        headers[name] = value  # the last of repeated headers wins, as in API Gateway
        values = multi.get(name)
        if values is None:
            multi[name] = [value]
        else:
            values.append(value)
    return headers, multi


def collect_query(query_string: bytes) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    if not query_string:
        return None, None
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True):
        single[name] = value
        multi.setdefault(name, []).append(value)
    return (single, multi) if single else (None, None)


def is_binary(content_type: str | None, binary_media_types: tuple[str, ...]) -> bool:
    if not content_type or not binary_media_types:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return any(fnmatch.fnmatchcase(media_type, t.replace("~1", "/").lower()) for t in binary_media_types)


def encode_body(body: bytes, content_type: str | None, binary_media_types: tuple[str, ...]) -> tuple[str | None, bool]:
    """The event's (body, isBase64Encoded). Bytes that are not UTF-8 are base64 encoded too, so that
    nothing is mangled (API Gateway would mangle them unless binaryMediaTypes matches)."""
    if not body:
        return None, False
    if is_binary(content_type, binary_media_types):
        return base64.b64encode(body).decode("ascii"), True
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        text = str(value)
        if "\r" in text or "\n" in text:
            raise MalformedProxyResponse("a header value holds a line break")
        return text
    raise MalformedProxyResponse(f"header value {value!r} is not a string")


def parse_proxy_response(payload: Any) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """(status, headers, body) from a proxy response; MalformedProxyResponse when API Gateway would
    answer 502 (not an object, unknown keys, no statusCode, a body that is not a string)."""
    if not isinstance(payload, dict):
        raise MalformedProxyResponse("the response is not a JSON object")
    unknown = payload.keys() - _RESPONSE_KEYS
    if unknown:
        raise MalformedProxyResponse(f"unknown keys {sorted(unknown)}")
    status = payload.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedProxyResponse(f"statusCode {status!r}")
    body = payload.get("body")
    if body is None:
        raw_body = b""
    elif not isinstance(body, str):
        raise MalformedProxyResponse("body is not a string")
    elif payload.get("isBase64Encoded") is True:
        try:
            raw_body = base64.b64decode(body, validate=True)
        except binascii.Error as error:
            raise MalformedProxyResponse("body is not valid base64") from error
    else:
        raw_body = body.encode("utf-8")
    headers: dict[str, list[str]] = {}
    single = payload.get("headers") or {}
    multi = payload.get("multiValueHeaders") or {}
    if not isinstance(single, dict) or not isinstance(multi, dict):
        raise MalformedProxyResponse("headers are not an object")
    for name, values in multi.items():
        if not isinstance(values, list):
            raise MalformedProxyResponse(f"multiValueHeaders[{name!r}] is not a list")
        headers[str(name)] = [_header_value(v) for v in values]
    for name, value in single.items():
        if str(name) not in headers:  # multiValueHeaders win on a clash, as in API Gateway
            headers[str(name)] = [_header_value(value)]
    encoded = []
    has_content_type = False
    for name, values in headers.items():
        lowered = name.lower()
        if lowered == "content-length":
            continue  # recomputed from the body
        if lowered == "content-type":
            has_content_type = True
        raw_name = name.encode("utf-8")
        encoded.extend((raw_name, v.encode("utf-8")) for v in values)
    if not has_content_type:
        encoded.append((b"content-type", b"application/json"))  # REST APIs' default
    return status, encoded, raw_body
