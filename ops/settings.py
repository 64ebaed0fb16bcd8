"""Settings from the environment: Settings.from_env(), the optional .env file, the test clock."""

from __future__ import annotations

import re
import time as _time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from handlers.context import system_clock

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_PATH = "data/medial.sqlite3"
DEFAULT_WEBHOOK_PORT = 8443
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TOKEN_PATTERN = re.compile(r"^[0-9]{3,20}:[A-Za-z0-9_-]{30,100}$")
HOW_TO_GET_A_TOKEN = (
    "Set TELEGRAM_BOT_TOKEN to your bot's token (talk to @BotFather in Telegram, send /newbot, "
    "and copy the token it gives you), e.g. TELEGRAM_BOT_TOKEN=123456:ABC... python bot.py"
)


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
    # The web server (webhook, /healthz, /metrics) listens on HOST:PORT; with no PORT it runs
    # only in webhook mode, on DEFAULT_WEBHOOK_PORT.
    host: str = "0.0.0.0"
    port: int | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    # Test hooks: a fake start time for the clock (ISO, UTC) and the reminder tick interval.
    clock_start: datetime | None = None
    tick_seconds: float = 30.0
    # The Mini App's public base URL (https; http://127.0.0.1 for local testing), "" for none.
    webapp_url: str = ""

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
        log_format = env.get("LOG_FORMAT", "text").strip().lower() or "text"
        if log_format not in ("text", "json"):
            raise ConfigError(f"LOG_FORMAT must be text or json, not {log_format!r}.")
        port_text = env.get("PORT", "").strip()
        if port_text and (not port_text.isdigit() or not 0 < int(port_text) < 65536):
            raise ConfigError(f"PORT must be a number from 1 to 65535, not {port_text!r}.")
        webhook_secret = env.get("WEBHOOK_SECRET", "").strip()
        if webhook_secret and not WEBHOOK_SECRET_PATTERN.match(webhook_secret):
            raise ConfigError(
                "WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
                "(Telegram's rule), or unset to derive one from the token."
            )
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
            webhook_secret=webhook_secret,
            host=env.get("HOST", "").strip() or "0.0.0.0",
            port=int(port_text) if port_text else None,
            log_level=level,
            log_format=log_format,
            clock_start=clock_start,
            tick_seconds=max(0.2, tick_seconds),
            webapp_url=parse_webapp_url(env.get("WEBAPP_URL", "")),
        )


def parse_webapp_url(text: str) -> str:
    """WEBAPP_URL without a trailing slash; Telegram opens Mini Apps over https only."""
    url = text.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    local = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
    if not parts.hostname or (parts.scheme != "https" and not local):
        raise ConfigError(
            "WEBAPP_URL must be an https:// URL (http://127.0.0.1 only for local testing)."
        )
    return url


def read_dotenv(path: Path) -> dict[str, str]:
    """The KEY=value pairs of an optional .env file, parsed by python-dotenv."""
    if not path.is_file():
        return {}
    # No interpolation: it would read os.environ (bot.py alone does), and a secret may hold "$".
    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {key: value for key, value in values.items() if value is not None}


def make_clock(start: datetime | None) -> Callable[[], datetime]:
    """The real clock, or one that starts at `start` and runs at real speed (for tests)."""
    if start is None:
        return system_clock
    origin = _time.monotonic()

    def clock() -> datetime:
        return start + timedelta(seconds=_time.monotonic() - origin)

    return clock
