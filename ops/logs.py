"""Logging: stderr at the chosen level, the token redacted everywhere, noisy loggers quieted."""

from __future__ import annotations

import logging
import sys


class RedactingFilter(logging.Filter):
    """Replaces the token in every log record (the HTTP client logs URLs, which contain it)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message, redact it, and drop the arguments."""
        if self._secret:
            message = record.getMessage()
            if self._secret in message:
                record.msg = message.replace(self._secret, "<redacted>")
                record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text and self._secret in record.exc_text:
                record.exc_text = record.exc_text.replace(self._secret, "<redacted>")
        return True


def setup_logging(level: str, token: str) -> None:
    """Log to stderr at the chosen level, with the token redacted everywhere."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL (with the token) at INFO.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # APScheduler logs every run of every job (the reminder tick, each pacing beat) at INFO.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
