"""Write the skeleton of a content overlay: every text of content/medial.toml, to translate.

    python scripts/content_skeleton.py            # rewrite content/overlay.template.toml
    python scripts/content_skeleton.py ru         # start content/medial.ru.toml (never overwrites)
    python scripts/content_skeleton.py --check    # exit 1 if the template is out of date

See content/TRANSLATING.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content import load_program  # noqa: E402
from content.overlay import overlay_path, skeleton  # noqa: E402

TEMPLATE = ROOT / "content" / "overlay.template.toml"


def main(argv: list[str] | None = None) -> int:
    """Write the template (or a language's first overlay), or check the template."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language", nargs="?", help="ru, es, de or pt: start that overlay")
    parser.add_argument("--check", action="store_true", help="only check the template")
    args = parser.parse_args(argv)
    text = skeleton(load_program())
    if args.check:
        if TEMPLATE.is_file() and TEMPLATE.read_text(encoding="utf-8") == text:
            return 0
        print("content/overlay.template.toml is out of date: run scripts/content_skeleton.py")
        return 1
    if args.language:
        path = overlay_path(args.language)
        if path.exists():
            print(f"{path.relative_to(ROOT)} exists; not overwritten", file=sys.stderr)
            return 1
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}: translate every text in place")
        return 0
    TEMPLATE.write_text(text, encoding="utf-8")
    print(f"wrote {TEMPLATE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
