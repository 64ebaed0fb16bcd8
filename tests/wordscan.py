"""Find user-visible words in code that bypass gettext (used by tests/test_catalogs.py)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

MARKERS = frozenset({"_", "ngettext", "N_", "gettext", "pgettext", "NP_"})
# Calls whose string arguments never reach a user.
SILENT_CALLS = frozenset(
    {
        "debug",
        "info",
        "warning",
        "error",
        "exception",
        "critical",
        "log",
        "ValueError",
        "RuntimeError",
        "TypeError",
        "KeyError",
        "AssertionError",
        "SystemExit",
        "LookupError",
        "HTTPException",
        "getLogger",
        "compile",
        "match",
        "fullmatch",
        "search",
        "sub",
        "split",
        "partition",
        "rpartition",
        "startswith",
        "endswith",
        "strftime",
        "strptime",
        "get",
        "pop",
        "setdefault",
        "execute",
        "executemany",
        "fetchone",
        "fetchall",
        "execute_fetchall",
        "run_once",
        "run_repeating",
        "create_task",
        "Path",
        "getattr",
        "setattr",
        "hasattr",
        "replace",
        "encode",
        "decode",
        "join",
        "format_date",
        "isoformat",
        "abandon",
        "forget_chat",
        "publish",
        "Gauge",
        "Counter",
        "Histogram",
    }
)
SILENT_KEYWORDS = frozenset(
    {
        "name",
        "pattern",
        "filename",
        "parse_mode",
        "media_type",
        "callback_data",
        "url",
        "sep",
        "loc",
    }
)
# Two words of letters, or one capitalised word ("Saved", "Thanks!"): what a person reads.
WORDS = re.compile(r"[^\W\d_]{2,}[ ,'’][^\W\d_]{2,}|^\W*[A-Z][a-z]{2,}\W*$")
CODE_LIKE = re.compile(r"^[\w:./{}%\-]*$|^(SELECT|INSERT|UPDATE|DELETE|CREATE|WITH|PRAGMA)\b")


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _silent(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """True if the string at `node` is marked, a docstring, or never shown to a user."""
    child = node
    parent = parents.get(child)
    while parent is not None:
        if isinstance(parent, ast.Call):
            name = _call_name(parent)
            if name in MARKERS or name in SILENT_CALLS:
                return True
        if isinstance(parent, ast.keyword) and parent.arg in SILENT_KEYWORDS:
            return True
        if isinstance(parent, ast.Compare | ast.Subscript | ast.Assert | ast.Raise):
            return True
        if isinstance(parent, ast.Dict) and child in parent.keys:
            return True
        if isinstance(parent, ast.Expr) and parent.value is node:
            return True  # a docstring, or a bare string that documents an attribute
        if isinstance(parent, ast.stmt):
            return False
        child, parent = parent, parents.get(parent)
    return False


def unmarked_words(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of each string literal in `path` that reads like words and isn't marked."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = _parents(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value.strip()
        if not text or CODE_LIKE.match(text) or not WORDS.search(text):
            continue
        if _silent(node, parents):
            continue
        yield node.lineno, text
