"""Request decoding: form-encoded, JSON and multipart bodies, and typed parameter access."""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from fakeapi.errors import CHAT_NOT_FOUND, JSON, bad_request


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content: bytes
    content_type: str | None


def _parse_multipart(content_type: str, body: bytes) -> tuple[JSON, dict[str, Upload]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise bad_request("Bad Request: invalid multipart/form-data request")
    delimiter = b"--" + match.group(1).encode("latin-1")
    params: JSON = {}
    files: dict[str, Upload] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name_match = re.search(r'(?:^|;)\s*name="([^"]*)"', disposition)
        if name_match is None:
            continue
        file_match = re.search(r'filename="([^"]*)"', disposition)
        file_star = re.search(r"filename\*=utf-8''([^;]+)", disposition, re.IGNORECASE)
        name = name_match.group(1)
        if file_match is not None or file_star is not None:
            filename = (
                urllib.parse.unquote(file_star.group(1))
                if file_star is not None
                else file_match.group(1)
                if file_match is not None
                else None
            )
            files[name] = Upload(filename, content, headers.get("content-type"))
        else:
            params[name] = content.decode("utf-8")
    return params, files


def _decode_body(content_type: str, body: bytes, query: str) -> tuple[JSON, dict[str, Upload]]:
    params: JSON = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    files: dict[str, Upload] = {}
    ctype = content_type.split(";")[0].strip().lower()
    if not body:
        return params, files
    if ctype == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError as exc:
            raise bad_request("Bad Request: can't parse JSON encoded request") from exc
        if not isinstance(decoded, dict):
            raise bad_request("Bad Request: can't parse JSON encoded request")
        params.update(decoded)
    elif ctype == "multipart/form-data":
        form, files = _parse_multipart(content_type, body)
        params.update(form)
    else:
        params.update(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params, files


def _int_param(params: JSON, name: str, *, missing: str | None = None) -> int:
    value = params.get(name)
    if value is None or value == "":
        raise bad_request(missing or f"Bad Request: {name} is empty")
    if isinstance(value, bool):
        raise bad_request(f"Bad Request: wrong parameter {name}")
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError as exc:
        if name == "chat_id":
            raise bad_request(CHAT_NOT_FOUND) from exc
        raise bad_request(f"Bad Request: wrong parameter {name}") from exc


def _opt_int(params: JSON, name: str) -> int | None:
    if params.get(name) in (None, ""):
        return None
    return _int_param(params, name)


def _json_param(params: JSON, name: str, error: str) -> Any:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(error) from exc
    return value


def _bool_param(params: JSON, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, bool):
        return value
    return str(value).lower() in {"true", "1"}


def _str_param(params: JSON, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)
