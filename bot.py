"""Medial coach: settings from the environment, build_application(), main()."""

from __future__ import annotations

import logging
import os
import re
import sys
import time as _time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from content import Program, load_program
from handlers import register_handlers
from handlers.context import BotData, system_clock
from handlers.lifecycle import on_shutdown, on_startup
from storage import Storage

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_PATH = "data/medial.sqlite3"
TOKEN_PATTERN = re.compile(r"^[0-9]{3,20}:[A-Za-z0-9_-]{30,100}$")
HOW_TO_GET_A_TOKEN = (
    "Set TELEGRAM_BOT_TOKEN to your bot's token (talk to @BotFather in Telegram, send /newbot, "
    "and copy the token it gives you), e.g. TELEGRAM_BOT_TOKEN=123456:ABC... python bot.py"
)

log = logging.getLogger("medial")


class ConfigError(Exception):
    """A setting is missing or malformed; the message says what to set (and never the token)."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str
    api_base_url: str = DEFAULT_API_BASE_URL
    database_path: Path = Path(DEFAULT_DATABASE_PATH)
    webhook_url: str = ""
    webhook_secret: str = ""
    port: int = 8443
    log_level: str = "INFO"
    # Test hooks: a fake start time for the clock (ISO, UTC) and the reminder tick interval.
    clock_start: datetime | None = None
    tick_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read and validate settings; raises ConfigError with a one-line explanation."""
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise ConfigError(f"TELEGRAM_BOT_TOKEN is not set. {HOW_TO_GET_A_TOKEN}")
        if not TOKEN_PATTERN.match(token):
            raise ConfigError(f"TELEGRAM_BOT_TOKEN is malformed. {HOW_TO_GET_A_TOKEN}")
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}.")
        port_text = env.get("PORT", "8443").strip() or "8443"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigError(f"PORT must be a number from 1 to 65535, not {port_text!r}.")
        clock_text = env.get("MEDIAL_CLOCK_START", "").strip()
        try:
            clock_start = datetime.fromisoformat(clock_text) if clock_text else None
        except ValueError as exc:
            raise ConfigError("MEDIAL_CLOCK_START must be an ISO date-time.") from exc
        if clock_start is not None and clock_start.tzinfo is None:
            clock_start = clock_start.replace(tzinfo=UTC)
        tick_text = env.get("MEDIAL_TICK_SECONDS", "30").strip() or "30"
        try:
            tick_seconds = float(tick_text)
        except ValueError as exc:
            raise ConfigError("MEDIAL_TICK_SECONDS must be a number.") from exc
        return cls(
            token=token,
            api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL,
            database_path=Path(env.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE_PATH),
            webhook_url=env.get("WEBHOOK_URL", "").strip(),
            webhook_secret=env.get("WEBHOOK_SECRET", "").strip(),
            port=int(port_text),
            log_level=level,
            clock_start=clock_start,
            tick_seconds=max(0.2, tick_seconds),
        )


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an optional .env file (comments and blank lines skipped)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


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


def make_clock(start: datetime | None) -> Callable[[], datetime]:
    """The real clock, or one that starts at `start` and runs at real speed (for tests)."""
    if start is None:
        return system_clock
    origin = _time.monotonic()

    def clock() -> datetime:
        from datetime import timedelta

        return start + timedelta(seconds=_time.monotonic() - origin)

    return clock


def build_application(
    settings: Settings,
    *,
    program: Program | None = None,
    clock: Callable[[], datetime] | None = None,
    request: BaseRequest | None = None,
) -> Application[Any, Any, Any, Any, BotData, Any]:
    """The wired application: storage, content, handlers and jobs; resources open in post_init."""
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .context_types(ContextTypes(bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        # Telegram answers 429 with retry_after; without retries the limiter gives up at once.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    bot_data = application.bot_data
    bot_data.storage = Storage(settings.database_path)
    bot_data.program = program or load_program()
    bot_data.clock = clock or make_clock(settings.clock_start)
    bot_data.tick_seconds = settings.tick_seconds
    register_handlers(application)
    return application


def main(argv: list[str] | None = None) -> int:
    """Start the bot (long polling, or a webhook when WEBHOOK_URL is set)."""
    env = {**read_dotenv(Path(".env")), **os.environ}
    try:
        settings = Settings.from_env(env)
        program = load_program()
    except ConfigError as exc:
        print(f"medial coach: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # content errors name the file and field
        print(f"medial coach: cannot load the coaching content: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.token)
    application = build_application(settings, program=program)
    log.info("starting; database %s", settings.database_path)
    if settings.webhook_url:
        application.run_webhook(
            listen="0.0.0.0",
            port=settings.port,
            url_path="telegram",
            webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
            secret_token=settings.webhook_secret or None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
