"""bot.py: settings from the environment, the one-line failure without a token, token redaction."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bot

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


def run_bot(env_extra: dict[str, str], tmp_path: Path) -> tuple[int, str, str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(env_extra)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "bot.py"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started


@pytest.fixture
def bot_copy(tmp_path: Path) -> Path:
    """A working directory with bot.py (so no stray .env from the repo is read)."""
    (tmp_path / "bot.py").write_text((ROOT / "bot.py").read_text())
    return tmp_path


@pytest.mark.parametrize("token", ["", "not-a-token", "123:short", "abc:" + "x" * 35])
def test_missing_or_malformed_token_is_one_clear_line(bot_copy: Path, token: str) -> None:
    env = {"TELEGRAM_BOT_TOKEN": token} if token else {}
    code, out, err, _elapsed = run_bot(env, bot_copy)
    assert code != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "BotFather" in lines[0]
    assert "Traceback" not in err and out == ""
    if token:
        assert token not in err


def test_settings_defaults_and_overrides() -> None:
    settings = bot.Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.database_path == Path("data/medial.sqlite3")
    assert settings.webhook_url == ""
    custom = bot.Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
            "DATABASE_PATH": "/tmp/x.sqlite3",
            "LOG_LEVEL": "debug",
            "PORT": "8080",
            "WEBHOOK_URL": "https://example.org/hook",
            "WEBHOOK_SECRET": "s3cret",
        }
    )
    assert custom.api_base_url == "http://127.0.0.1:9/bot"
    assert custom.log_level == "DEBUG" and custom.port == 8080
    assert custom.webhook_secret == "s3cret"


@pytest.mark.parametrize(
    ("key", "value"), [("LOG_LEVEL", "LOUD"), ("PORT", "99999"), ("PORT", "http")]
)
def test_bad_settings_are_explained(key: str, value: str) -> None:
    with pytest.raises(bot.ConfigError) as info:
        bot.Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, key: value})
    assert key in str(info.value)
    assert TOKEN not in str(info.value)


def test_dotenv_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nTELEGRAM_BOT_TOKEN='abc'\nexport LOG_LEVEL=DEBUG\n\njunk\n")
    assert bot.read_dotenv(env_file) == {"TELEGRAM_BOT_TOKEN": "abc", "LOG_LEVEL": "DEBUG"}
    assert bot.read_dotenv(tmp_path / "missing") == {}


def test_redacting_filter_hides_token_in_messages_args_and_tracebacks() -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(bot.RedactingFilter(TOKEN))
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    url = f"https://api.telegram.org/bot{TOKEN}/getMe"
    logger.info("HTTP Request: POST %s", url)
    logger.debug(f"plain {url}")
    try:
        raise RuntimeError(f"failed {url}")
    except RuntimeError:
        logger.exception("boom")
    joined = "\n".join(records)
    assert TOKEN not in joined
    assert joined.count("<redacted>") >= 3
