"""ops.settings: .env read by python-dotenv (comments, quotes, export), LOG_FORMAT."""

from __future__ import annotations

from pathlib import Path

import pytest

from ops.settings import ConfigError, Settings, read_dotenv

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


def test_inline_comments_and_quotes_are_read_right(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment line\n"
        "LOG_LEVEL=DEBUG # verbose\n"
        'DATABASE_PATH="data/x.sqlite3"  # c\n'
        "export WEBHOOK_SECRET='a b#c'\n"
        "PORT = 8080\n"
        "EMPTY=\n"
        "NOVALUE\n"
        "PRICE=$HOME\n"
    )
    values = read_dotenv(env_file)
    assert values == {
        "LOG_LEVEL": "DEBUG",
        "DATABASE_PATH": "data/x.sqlite3",
        "WEBHOOK_SECRET": "a b#c",
        "PORT": "8080",
        "EMPTY": "",
        "PRICE": "$HOME",
    }
    # Telegram allows only A-Z, a-z, 0-9, _ and - in a webhook secret (see test_web.py).
    values["WEBHOOK_SECRET"] = "a-b_c"
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **values})
    assert settings.log_level == "DEBUG"
    assert settings.database_path == Path("data/x.sqlite3")
    assert settings.port == 8080


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert read_dotenv(tmp_path / "nope") == {}


def test_log_format() -> None:
    assert Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN}).log_format == "text"
    assert (
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_FORMAT": "JSON"}).log_format == "json"
    )
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_FORMAT": "xml"})
