"""`medial-coach`: run, demo, backup PATH, restore PATH, check — one line per outcome."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from ops.settings import DEFAULT_DATABASE_PATH, ConfigError, Settings

PROG = "medial-coach"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Medial coach, the Telegram bot.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="start the bot (same as python bot.py)")
    commands.add_parser("demo", help="the bot in a terminal chat, no token, no network")
    backup = commands.add_parser("backup", help="copy the database while the bot runs")
    backup.add_argument("path", type=Path, help="the backup file to write")
    restore = commands.add_parser(
        "restore", help="put a backup in place (bot stopped); erasures since it are re-applied"
    )
    restore.add_argument("path", type=Path, help="a file written by medial-coach backup")
    commands.add_parser("check", help="validate the configuration, the content and the database")
    for sub in (backup, restore, commands.choices["check"]):
        sub.add_argument("--database", type=Path, help="instead of DATABASE_PATH")
    return parser


def _database(env: Mapping[str, str], override: Path | None) -> Path:
    """The database file: --database, else DATABASE_PATH, else the default."""
    return override or Path(env.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE_PATH)


def _say(line: str, *, error: bool = False) -> None:
    print(f"{PROG}: {line}" if error else line, file=sys.stderr if error else sys.stdout)


def backup(env: Mapping[str, str], target: Path, override: Path | None) -> int:
    """Write a consistent copy of the live database to `target`."""
    from storage.backup import online_copy
    from storage.files import StorageError

    database = _database(env, override)
    try:
        mark = online_copy(database, target)
    except StorageError as exc:
        _say(str(exc), error=True)
        return 1
    _say(f"backed up {database} to {target} at {mark.taken_utc} ({mark.erasures} erasures logged)")
    return 0


def restore(env: Mapping[str, str], source: Path, override: Path | None) -> int:
    """Replace the database with a backup, then erase again everyone erased since."""
    from storage.backup import restore_copy
    from storage.files import StorageError

    database = _database(env, override)
    try:
        mark, erased, kept = asyncio.run(restore_copy(source, database))
    except StorageError as exc:
        _say(str(exc), error=True)
        return 1
    kept_note = f"; the replaced file is {kept}" if kept else ""
    _say(
        f"restored {database} from {source} (taken {mark.taken_utc}); "
        f"re-applied {erased} erasure(s) made since{kept_note}"
    )
    return 0


def _check_database(database: Path) -> tuple[bool, str]:
    """Whether the database file can be used by this bot, in one line."""
    from storage.db import migrations

    if not database.exists():
        return True, f"database: {database} does not exist yet (created at the first start)"
    known = len(migrations())
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > known:
                return False, (
                    f"database: {database} has schema version {version}, newer than this bot"
                    f" knows ({known})"
                )
            result = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as exc:
        return False, f"database: {database} cannot be read ({exc})"
    if not result or result[0] != "ok":
        return False, f"database: {database} is corrupt ({result[0] if result else 'no answer'})"
    return True, f"database: {database} ok (schema {version} of {known})"


def check(env: Mapping[str, str], override: Path | None) -> int:
    """Validate configuration, content and database; one line each; 0 when all are fine."""
    from content import load_program

    ok = True
    try:
        settings = Settings.from_env(env)
        mode = f"webhook {settings.webhook_url}" if settings.webhook_url else "long polling"
        _say(f"configuration: ok ({mode}, LOG_LEVEL {settings.log_level})")
    except ConfigError as exc:
        ok = False
        _say(f"configuration: {exc}")
    try:
        program = load_program()
        _say(f"content: ok ({len(program.presets)} presets)")
    except Exception as exc:  # content errors name the file and field
        ok = False
        _say(f"content: {exc}")
    fine, line = _check_database(_database(env, override))
    _say(line)
    return 0 if ok and fine else 1


def main(argv: Sequence[str] | None = None) -> int:
    """The console script's entry point."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `demo` hands every later argument to the demo, which has options of its own.
    if args_list[:1] == ["demo"]:
        import bot

        return bot.main(["--demo", *args_list[1:]])
    args = _parser().parse_args(args_list)
    import bot  # reads the environment (and .env): the only module that touches os.environ

    env = bot.environment()
    if args.command == "run":
        return bot.main([])
    if args.command == "backup":
        return backup(env, args.path, args.database)
    if args.command == "restore":
        return restore(env, args.path, args.database)
    return check(env, args.database)


if __name__ == "__main__":
    sys.exit(main())
