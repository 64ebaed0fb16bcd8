"""Logging: stderr as text or JSON lines, secrets redacted everywhere, chatty libraries quieted."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

REDACTED = "<redacted>"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# At DEBUG these libraries log whole updates, request parameters and SQL parameters, i.e. what
# people wrote; they stay at INFO whatever LOG_LEVEL says. Our own DEBUG logs carry ids and kinds.
CONTENT_LOGGERS = ("telegram", "aiosqlite")
# httpx logs every request URL (with the token) at INFO; APScheduler logs every job run at INFO.
NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler")


class RedactingFilter(logging.Filter):
    """Replaces each secret (the token, the webhook secret) in every log record."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Redact one more secret from now on (e.g. a webhook secret derived at start-up)."""
        # A token's secret half (after "bot_id:") is a secret on its own.
        tail = secret.partition(":")[2]
        for part in (secret, tail if len(tail) >= 8 else ""):
            if part and part not in self._secrets:
                self._secrets.append(part)

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message, redact it, and drop the arguments."""
        if not self._secrets:
            return True
        message = record.getMessage()
        scrubbed = self._scrub(message)
        if scrubbed != message:
            record.msg = scrubbed
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self._scrub(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and exc when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single-line JSON object."""
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(
    level: str, *secrets: str, log_format: str = "text", stream: TextIO | None = None
) -> RedactingFilter:
    """Log to stderr at `level` as text or JSON, redacting every secret; returns the filter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    redactor = RedactingFilter(*secrets)
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    floor = max(logging.INFO, logging.getLevelName(level))
    for name in CONTENT_LOGGERS:
        logging.getLogger(name).setLevel(floor)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return redactor
