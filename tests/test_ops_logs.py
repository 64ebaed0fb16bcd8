"""ops.logs: JSON lines, secrets redacted in both formats, libraries that log content kept quiet."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from ops.logs import setup_logging

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
SECRET = "hook-s3cret"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("telegram", "aiosqlite", "httpx")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def emit_everything(log: logging.Logger) -> None:
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.debug(f"secret header {SECRET} and half {TOKEN.split(':')[1]}")
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage with {SECRET}")
    except RuntimeError:
        log.exception("boom")


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_with_secrets_redacted() -> None:
    out = io.StringIO()
    setup_logging("DEBUG", TOKEN, SECRET, log_format="json", stream=out)
    emit_everything(logging.getLogger("medial.test"))
    text = out.getvalue()
    assert TOKEN not in text and SECRET not in text and TOKEN.split(":")[1] not in text
    entries = [json.loads(line) for line in text.splitlines()]
    assert len(entries) == 3
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert entries[0]["level"] == "INFO" and entries[0]["logger"] == "medial.test"
    assert entries[0]["message"] == "calling https://api.telegram.org/bot<redacted>/getMe"
    assert entries[1]["level"] == "DEBUG"
    assert "exc" not in entries[0]
    assert entries[2]["message"] == "boom"
    assert "RuntimeError: failed at /bot<redacted>/sendMessage with <redacted>" in entries[2]["exc"]


@pytest.mark.usefixtures("restore_logging")
def test_text_format_redacts_too() -> None:
    out = io.StringIO()
    setup_logging("DEBUG", TOKEN, SECRET, stream=out)
    emit_everything(logging.getLogger("medial.test"))
    text = out.getvalue()
    assert TOKEN not in text and SECRET not in text
    assert text.count("<redacted>") >= 4
    assert " INFO medial.test: calling" in text and "Traceback" in text


@pytest.mark.usefixtures("restore_logging")
def test_libraries_that_log_content_stay_at_info_under_debug() -> None:
    out = io.StringIO()
    setup_logging("DEBUG", TOKEN, stream=out)
    logging.getLogger("telegram.ext.Application").debug("Processing update {'text': 'hi'}")
    logging.getLogger("aiosqlite").debug("executing partial(execute, 'INSERT', ('hi',))")
    logging.getLogger("httpx").info("HTTP Request: POST ...")
    logging.getLogger("telegram.ext.Application").info("Application started")
    assert out.getvalue().count("\n") == 1 and "Application started" in out.getvalue()
