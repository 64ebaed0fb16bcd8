"""Extract every message from the code into the template and merge it into each language's catalog.

    python scripts/update_catalogs.py          # rewrite messages.pot and the .po files
    python scripts/update_catalogs.py --check  # exit 1 if the files are not up to date

Messages are the arguments of _(), ngettext() and N_() in the packages below. New messages arrive
in each .po untranslated (English is shown until a translator fills them); messages no longer in the
code are kept as obsolete (#~) entries so a translation is not lost when a sentence comes back.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "handlers" / "views" / "locales"
TEMPLATE = LOCALES / "messages.pot"
# Where words live: the views and handlers, the web routes (Mini App), the coaching rules' labels.
SOURCES = ("handlers", "web", "coach", "content")
METHOD_MAP = [("**.py", "python")]
# Babel's defaults (_, ngettext, N_, pgettext …) plus NP_, the marker of a message with a context.
KEYWORDS = {**DEFAULT_KEYWORDS, "NP_": ((1, "c"), 2)}
# Babel's comment tag: "# TRANSLATORS: …" above a message reaches the translator.
COMMENT_TAGS = ["TRANSLATORS:"]
# Fixed so that a run with no change in the code leaves the files byte-identical.
STAMP = datetime(2026, 12, 1)
# Classic gettext plural rules (GNU gettext's own table): Babel's CLDR-derived rules add a "many"
# form for es/pt (a million and up) that no translator expects. Russian has three forms.
PLURAL_FORMS = {
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
        "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "es": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n > 1);",
}
BABEL_LOCALE = {"ru": "ru", "es": "es", "de": "de", "pt": "pt_BR"}


def extract() -> Catalog:
    """Every message in the code, as a template catalog (file names, no line numbers)."""
    template = Catalog(
        project="Medial coach",
        version="2",
        copyright_holder="Medial coach",
        charset="utf-8",
        creation_date=STAMP,
        revision_date=STAMP,
        fuzzy=False,
    )
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source,
            METHOD_MAP,
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=True,
        ):
            template.add(
                message,
                None,
                [(f"{source}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def merged(language: str, template: Catalog) -> Catalog:
    """The language's catalog updated to the template (created if missing)."""
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if path.is_file():
        with path.open("rb") as po_file:
            catalog = read_po(po_file, locale=BABEL_LOCALE[language])
    else:
        catalog = Catalog(
            locale=BABEL_LOCALE[language],
            project="Medial coach",
            version="2",
            copyright_holder="Medial coach",
            charset="utf-8",
            creation_date=STAMP,
            revision_date=STAMP,
            fuzzy=False,
        )
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=True)
    catalog.revision_date = STAMP
    catalog.fuzzy = False
    # The setter parses the header, so nplurals and the rule come from here, not from CLDR.
    catalog.mime_headers = [
        *(item for item in catalog.mime_headers if item[0] != "Plural-Forms"),
        ("Plural-Forms", PLURAL_FORMS[language]),
    ]
    return catalog


def serialise(catalog: Catalog) -> bytes:
    """The .po/.pot text of a catalog, stable across runs."""
    out = BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, sort_by_file=False)
    return out.getvalue()


def outputs() -> dict[Path, bytes]:
    """Every catalog file as it should be."""
    template = extract()
    files = {TEMPLATE: serialise(template)}
    for language in PLURAL_FORMS:
        path = LOCALES / language / "LC_MESSAGES" / "messages.po"
        files[path] = serialise(merged(language, template))
    return files


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the template and the catalogs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        if path.is_file() and path.read_bytes() == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
    for path in stale:
        verb = "out of date" if args.check else "written"
        print(f"{path.relative_to(ROOT)}: {verb}")
    if args.check and stale:
        print("run: python scripts/update_catalogs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
