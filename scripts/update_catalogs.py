"""Extract the UI's msgids from bot/ and update every catalog in locales/.

Run after changing sentences in the code:  .venv/bin/python scripts/update_catalogs.py
New msgids arrive untranslated; removed ones become obsolete (#~). The catalog test then lists what is
missing per language.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.languages import REGISTRY  # noqa: E402

KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None, "html": None, "nhtml": (1, 2)}


def extract() -> Catalog:
    template = Catalog(project="Quartiersbot", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT / "bot"), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        template.add(message, None, [(f"bot/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def write(path: Path, catalog: Catalog, **options: Any) -> None:
    """Write `catalog` unless only its creation date would change: a run without new sentences leaves the
    files as they are, so their diff shows what really changed."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, sort_output=True, include_lineno=False, **options)
    new = buffer.getvalue()
    if path.exists() and _undated(path.read_bytes()) == _undated(new):
        return
    path.write_bytes(new)


def _undated(po: bytes) -> bytes:
    return re.sub(rb'"POT-Creation-Date: [^"]*"\n', b"", po)


def main() -> int:
    template = extract()
    write(ROOT / "locales" / "bot.pot", template, omit_header=False)
    for language in REGISTRY:
        path = ROOT / "locales" / language.catalog_dir / "LC_MESSAGES" / "bot.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language.counts_as)
        else:
            catalog = Catalog(locale=language.counts_as, project="Quartiersbot", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        # An obsolete entry whose msgid is in use again (a sentence removed, then brought back) is a
        # duplicate GNU msgfmt refuses: the active entry is the one that counts.
        for key in [key for key in catalog.obsolete if key in catalog]:
            del catalog.obsolete[key]
        write(path, catalog, ignore_obsolete=False, width=100)
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"{language.code:10} {len([m for m in catalog if m.id]):4} msgids, {missing:4} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
